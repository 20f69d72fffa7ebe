"""Template helpers of the report pages: a report status's badge colour and a grid cell's label."""
from django import template

from ..grid import state_label

register = template.Library()

BADGES = {"draft": "text-bg-secondary", "submitted": "text-bg-primary", "returned": "text-bg-warning",
          "approved": "text-bg-success", "missing": "text-bg-danger"}


@register.filter
def report_badge(status):
    """The badge colour of a monthly report's status (and of 未报)."""
    return BADGES.get(status, "text-bg-light")


@register.filter
def report_state(state):
    """The label of a grid cell: a report status, 未报 (missing) or 待报 (not due yet)."""
    return state_label(state)
