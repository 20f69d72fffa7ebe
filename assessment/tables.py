"""The score table of an assessment month (a run's page): sortable by the ScoreFilterSet's ``ordering`` values, so
that the page's headers and the API's ``?ordering=`` sort alike; paged and exported."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import PortalTable

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class ScoreTable(PortalTable):
    rank = tables.Column(verbose_name=_("Rank"), order_by=("rank", "organization__path"), attrs=NUM)
    organization = tables.Column(verbose_name=_("Organisation"), accessor="organization__display_name",
                                 order_by=("organization__path",))
    code = tables.Column(verbose_name=_("Organisation code"), accessor="organization__code", orderable=False)
    total = tables.Column(verbose_name=_("Total"), order_by=("total", "organization__path"), attrs=NUM)
    grade = tables.Column(verbose_name=_("Grade"), order_by=("grade", "rank", "organization__path"))
    change = tables.Column(verbose_name=_("Change"), order_by=("change", "organization__path"), attrs=NUM)
    bonus = tables.Column(verbose_name=_("Bonus"), order_by=("bonus", "organization__path"), attrs=NUM)
    deduction = tables.Column(verbose_name=_("Deduction"), order_by=("deduction", "organization__path"), attrs=NUM)
    ytd = tables.Column(verbose_name=_("Year to date"), accessor="ytd_total", order_by=("ytd_total", "organization__path"),
                        attrs=NUM)

    export_name = _("Scores")
    export_widths = {"organization": 28, "code": 14}
    export_formats = {"total": "0.00", "change": "0.00", "bonus": "0.00", "deduction": "0.00", "ytd": "0.00"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "score-table"}
        order_by_field = "ordering"
        empty_text = _("No scores.")

    def __init__(self, *args, run=None, pin_version=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.run, self.pin_version = run, pin_version  # an older version than the newest shown names its version

    def render_organization(self, record, value):
        """A score links to its stable address (scheme, month, organisation), which outlives recomputations."""
        run = self.run or record.run
        url = reverse("assessment:score_page", args=[run.scheme_id, f"{run.month:%Y-%m}", record.organization.code])
        if self.pin_version:
            url += f"?version={run.version}"
        return format_html('<a href="{}">{}</a>', url, value)

    def value_organization(self, value):
        return value

    def render_code(self, value):
        return format_html('<span class="small text-muted">{}</span>', value)

    def value_code(self, value):
        return value

    def render_total(self, value):
        return format_html('<span class="fw-semibold">{}</span>', f"{value:.2f}")

    def value_total(self, value):
        return value

    def render_grade(self, record):
        return record.get_grade_display()

    def render_change(self, value):
        return f"{'+' if value > 0 else ''}{value.normalize():f}"

    def value_change(self, value):
        return value

    def render_bonus(self, value):
        return f"{value.normalize():f}"

    def value_bonus(self, value):
        return value

    def render_deduction(self, value):
        return f"{value.normalize():f}"

    def value_deduction(self, value):
        return value

    def render_ytd(self, value):
        return f"{value.normalize():f}"

    def value_ytd(self, value):
        return value
