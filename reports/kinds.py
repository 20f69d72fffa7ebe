"""The kinds of notification the monthly reports send: reminders, the review workflow, the reviewers' digest."""
from django.utils.translation import gettext_lazy as _

from notifications.kinds import register

REPORT_DUE_SOON = register("report_due_soon", _("Report due in three days"))
REPORT_DUE_TODAY = register("report_due_today", _("Report due today"))
REPORT_MISSING = register("report_missing", _("Report missing"))
REPORT_SUBMITTED = register("report_submitted", _("Report submitted"))
REPORT_RETURNED = register("report_returned", _("Report returned"))
REPORT_APPROVED = register("report_approved", _("Report approved"))
REVIEW_DIGEST = register("review_digest", _("Reports waiting for review"))
