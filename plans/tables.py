"""The tables of the plans app's list pages: the work plans with each one's completion and light at its own
organisation."""
import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.tables import PortalTable

from . import selectors
from .choices import Light
from .templatetags.plans import light_badge


class PlanTable(PortalTable):
    year = tables.Column(verbose_name=_("Year"), order_by=("year", "organization__path", "title"))
    title = tables.Column(verbose_name=_("Title"), linkify=True, order_by=("title", "pk"))
    organization = tables.Column(verbose_name=_("Organisation"), accessor="organization__display_name",
                                 order_by=("organization__path", "-year", "title"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-year", "pk"))
    # computed from the roll-ups for a page (or an export chunk) at once: not a column the database sorts by
    completion = tables.Column(verbose_name=_("Completion"), accessor="pk", orderable=False,
                               attrs={"td": {"style": "min-width:8rem"}})
    light = tables.Column(verbose_name=_("Light"), accessor="pk", orderable=False)

    export_name = _("Work plans")
    export_widths = {"title": 36, "organization": 28}
    export_formats = {"completion": "0.0%"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "plan-table"}
        empty_text = _("No plans.")

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization  # the user's current organisation: a plan from above shows its share

    def annotate_records(self, records):
        figures = selectors.plan_list_figures(records, self.organization)
        for plan in records:
            plan.figures = figures[plan.pk]
            plan.completion, plan.light = plan.figures["completion"], plan.figures["light"]

    def render_status(self, record):
        return record.get_status_display()

    def render_completion(self, record):
        return render_to_string("plans/_plan_row_completion.html", {"row": record.figures})

    def value_completion(self, record):
        return float(record.completion) if record.completion is not None else None

    def render_light(self, record):
        return render_to_string("plans/_plan_row_light.html", {"row": record.figures, **light_badge(record.light)})

    def value_light(self, record):
        return Light(record.light or Light.NOT_STARTED).label
