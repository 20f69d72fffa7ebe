"""The kinds of notification the monthly assessment sends to the organisations it assesses."""
from django.utils.translation import gettext_lazy as _

from notifications.kinds import register

SCORES_PROVISIONAL = register("scores_provisional", _("Provisional scores, open for appeal"))
SCORES_PUBLISHED = register("scores_published", _("Scores published"))
