"""Filters that any app's FilterSet uses for typed years, months and moments (read by core.dates), and the
yes/no choice of boolean filters on list pages."""
import django_filters
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import FIRST_YEAR, LAST_YEAR, MomentField, MonthField, YearField

YES_NO = [("", "---------"), ("true", _("Yes")), ("false", _("No"))]


@extend_schema_field(serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text=_("Year")))
class YearFilter(django_filters.NumberFilter):
    """``?year=2026``: a whole year within the portal's years (``month__year`` lookups need one)."""

    field_class = YearField


class MonthFilter(django_filters.DateFilter):
    """``?month=2026-05`` (or any day of it): the rows of that month, whose date is its first day."""

    field_class = MonthField


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """``?updated_since=2026-05-01T08:00:00+08:00``: changed at or after that moment (any real offset)."""

    field_class = MomentField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", _("Updated since"))
        super().__init__(*args, **kwargs)


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's sort choices, with a descending label of our own catalogue (its "%s (descending)" has no
    Chinese: "排名 (descending)") built lazily, so that each request shows its own language."""

    descending_fmt = _("{label} (descending)")

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, pretty_name(param))
            choices.append((param, label))
            choices.append((f"-{param}", labels.get(f"-{param}", format_lazy(self.descending_fmt, label=label))))
        return choices
