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
    ACCOUNT_CREATE = "account.create", _("Account created")
    ACCOUNT_EDIT = "account.edit", _("Account edited")
    ACCOUNT_DEACTIVATE = "account.deactivate", _("Account deactivated")
    PASSWORD_RESET = "account.password", _("Password reset by an administrator")
    TOKEN_ISSUE = "token.issue", _("API token issued")  # sent by accounts.audit (accounts may not import orgs)
    TOKEN_REVOKE = "token.revoke", _("API token revoked")
    DEPARTMENT_ADD = "department.add", _("Department added")
    DEPARTMENT_REMOVE = "department.remove", _("Department removed")
    PLAN_CREATE = "plan.create", _("Plan created")
    PLAN_EDIT = "plan.edit", _("Plan edited")
    SECTION_SAVE = "section.save", _("Plan section saved")
    GROUP_ADD = "group.add", _("Point group added")
    POINT_SAVE = "point.save", _("Work point saved")
    TARGET_SAVE = "target.save", _("Target saved")
    DECOMPOSE = "assignment.decompose", _("Task decomposed")
    PROGRESS_RECORD = "progress.record", _("Progress recorded")
    MILESTONE_SAVE = "milestone.save", _("Milestone saved")
    LEDGER_APPLY = "ledger.apply", _("Ledger uploaded")
    REPORT_START = "report.start", _("Report started")
    REPORT_SAVE = "report.save", _("Report draft saved")
    REPORT_SUBMIT = "report.submit", _("Report submitted")
    REPORT_ATTACH = "report.attach", _("Report files attached")
    REPORT_DETACH = "report.detach", _("Report file removed")
    REPORT_RULE_SAVE = "report_rule.save", _("Reporting rule saved")
    REPORT_FIELD_SAVE = "report_field.save", _("Report field saved")
    REPORT_CONFIG_DELETE = "report_config.delete", _("Reporting rule or field deleted")
    REPORT_FIELDS_INSTALL = "report_field.install", _("Default report fields installed")
    SCORES_COMPUTE = "scores.compute", _("Score computation requested")
    APPEALS_OPEN = "appeals.open", _("Appeal window opened")
    APPEAL_FILE = "appeal.file", _("Appeal filed")
    APPEAL_DECIDE = "appeal.decide", _("Appeal decided")
    VOLUNTEER_REGISTER = "volunteer.register", _("Volunteer registered")
    VOLUNTEER_MOVE = "volunteer.move", _("Volunteer moved")
    VOLUNTEER_ANONYMISE = "volunteer.anonymise", _("Volunteer anonymised")
    ACTIVITY_CREATE = "activity.create", _("Activity created")
    ACTIVITY_EDIT = "activity.edit", _("Activity edited")
    ACTIVITY_DELETE = "activity.delete", _("Activity deleted")
    SIGNUP_ADD = "signup.add", _("Volunteer signed up")
    SIGNUP_CANCEL = "signup.cancel", _("Sign-up cancelled")
    SIGN_IN_SCAN = "signin.scan", _("Sign-in code scanned")
    SERVICE_RECORD = "service.record", _("Service hours recorded")
    SERVICE_CONFIRM = "service.confirm", _("Service records confirmed")
    SERVICE_REJECT = "service.reject", _("Service records rejected")
    STAR_SCALE_SET = "star_scale.set", _("Star scale set")
    CERTIFICATE_ISSUE = "certificate.issue", _("Certificate issued")
    ROBOT_SAVE = "robot.save", _("Group robot saved")
    ROBOT_REMOVE = "robot.remove", _("Group robot removed")
    DELIVERY_RETRY = "delivery.retry", _("Notification sent again")
    PREFERENCES_SAVE = "preferences.save", _("Notification preferences saved")
    CIRCULAR_ISSUE = "circular.issue", _("Circular issued")
