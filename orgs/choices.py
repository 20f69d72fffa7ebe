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


class AuditAction(models.TextChoices):
    """What an audit row (orgs.AuditEntry) records; every app's audited writes are named here, so the log can
    offer them all as a filter."""

    ROLE_GRANT = "role.grant", _("Role granted")
    ROLE_REVOKE = "role.revoke", _("Role revoked")
    ORG_CREATE = "org.create", _("Organisation created")
    ORG_EDIT = "org.edit", _("Organisation edited")
    ORG_MOVE = "org.move", _("Organisation moved")
    ORG_IMPORT = "org.import", _("Organisations imported")
    POINTS_SET = "points.set", _("Assessor points entered")
    ADJUSTMENT_ADD = "adjustment.add", _("Bonus or deduction added")
    ADJUSTMENT_REMOVE = "adjustment.remove", _("Bonus or deduction removed")
    SCHEME_SAVE = "scheme.save", _("Scheme saved")
    SCHEME_DELETE = "scheme.delete", _("Scheme deleted")
    INDICATOR_SAVE = "indicator.save", _("Indicator saved")
    INDICATOR_DELETE = "indicator.delete", _("Indicator deleted")
    SCORES_PUBLISH = "scores.publish", _("Scores published")
    REPORT_APPROVE = "report.approve", _("Report approved")
    REPORT_RETURN = "report.return", _("Report returned")
    REPORT_REOPEN = "report.reopen", _("Report reopened")
    PII_UNMASK = "pii.unmask", _("Personal data shown")
    VOLUNTEER_EDIT = "volunteer.edit", _("Volunteer edited")
    VOLUNTEER_IMPORT = "volunteer.import", _("Volunteers imported")
    PLAN_IMPORT = "plan.import", _("Plan imported")
