"""Choices of the organisation tree: levels, kinds, sectors and roles."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    GRASSROOTS = "grassroots", _("Grassroots")


class Kind(models.TextChoices):
    COMMITTEE = "committee", _("League committee")
    WORKING_COMMITTEE = "working_committee", _("League working committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")


class Sector(models.TextChoices):
    AGENCY = "agency", _("Government agency")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    RURAL = "rural", _("Rural")
    COMMUNITY = "community", _("Community")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """What a role assignment lets its holder do is decided in orgs.permissions."""

    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("League staff")
    REPORTER = "reporter", _("Reporter")
    LEADER = "leader", _("Leader")
    ASSESSOR = "assessor", _("Assessor")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    INVALID = "invalid", _("The file has errors")
    FAILED = "failed", _("Could not be read")
