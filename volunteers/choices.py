"""Choices of the volunteer registry, activities and service records."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdType(models.TextChoices):
    """Identity documents the national platforms accept."""

    RESIDENT = "resident", _("Resident identity card")
    HMT_RESIDENCE = "hmt_residence", _("Residence permit for Hong Kong, Macao and Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")
    PASSPORT = "passport", _("Passport")


class PoliticalStatus(models.TextChoices):
    LEAGUE_MEMBER = "league_member", _("League member")
    PARTY_MEMBER = "party_member", _("Party member")
    PROBATIONARY = "probationary", _("Probationary Party member")
    YOUTH = "youth", _("Youth (not a member)")
    OTHER = "other", _("Other")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    LEFT = "left", _("Left")


class Platform(models.TextChoices):
    """Where a volunteer is registered nationally (志愿汇, i志愿, 中国志愿服务网)."""

    ZHIYUANHUI = "zhiyuanhui", _("Zhiyuanhui")
    IZHIYUAN = "izhiyuan", _("iZhiyuan")
    NATIONAL = "national", _("China Volunteer Service Network")
    OTHER = "other", _("Other platform")


class ActivityCategory(models.TextChoices):
    COMMUNITY = "community", _("Community service")
    EDUCATION = "education", _("Education and tutoring")
    ELDERLY = "elderly", _("Care for the elderly and children")
    ENVIRONMENT = "environment", _("Environmental protection")
    CULTURE = "culture", _("Culture, sports and large events")
    RURAL = "rural", _("Rural revitalisation")
    EMERGENCY = "emergency", _("Emergency relief")
    CIVILISATION = "civilisation", _("Civility and public order")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("Entered by the organiser")
    SIGN_IN = "sign_in", _("On-site sign-in")
    IMPORT = "import", _("Imported")


class SignKind(models.TextChoices):
    SIGN_IN = "in", _("Sign in")
    SIGN_OUT = "out", _("Sign out")


class ViewedThrough(models.TextChoices):
    """Where personal data was shown in clear."""

    PAGE = "page", _("Page")
    API = "api", _("API")


class VolunteerFigure(models.TextChoices):
    """The volunteer figures a plan target or an assessment rule can be bound to (volunteers.selectors)."""

    REGISTERED_SHARE = "registered_share", _("Share of league members registered as volunteers (%)")
    REGISTERED = "registered", _("Registered volunteers")
    YEAR_HOURS = "year_hours", _("Confirmed service hours this year")
    YEAR_HOURS_PER_VOLUNTEER = "year_hours_per_volunteer", _("Service hours this year per volunteer")
    ACTIVE = "active", _("Active volunteers (served in the last twelve months)")
