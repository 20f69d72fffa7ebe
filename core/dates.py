"""Years, months and moments that users type (query strings, forms, JSON), read in one place.

The portal works within the years 2000–2100 (plans are for those years). Keeping every typed year and
month inside them means that what is computed from a month (its due date, the next month, the months of
a year) never leaves Python's calendar, and keeping a moment's offset to real time zones (−12:00 to
+14:00) means that the database can hold it. A value outside is a clear validation error (a 400 in the
API, a message on a page), never a server error.
"""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers

FIRST_YEAR, LAST_YEAR = 2000, 2100
OFFSETS = (datetime.timedelta(hours=-12), datetime.timedelta(hours=14))  # the time zones in use: UTC−12 to UTC+14
MONTH_FORMATS = ("%Y-%m", "%Y-%m-%d")


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("A year from %(first)d to %(last)d, please.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
                              code="year")
    return year


def parse_year(value) -> int:
    """A whole year within the portal's years, from an int or its digits ("2026"; not "2026.5" or "1e3")."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(_("A year such as 2026, please."), code="year")
    return check_year(int(text))


def parse_month(value) -> datetime.date:
    """The first day of a month within the portal's years, from "YYYY-MM", "YYYY-MM-DD" or a date."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        text = str(value).strip()
        for pattern in MONTH_FORMATS:
            try:
                value = datetime.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise ValidationError(_("A month as YYYY-MM, please."), code="month")
    check_year(value.year)
    return value.replace(day=1)


def check_moment(value: datetime.datetime) -> datetime.datetime:
    """An aware moment with a real time-zone offset, in UTC (so that every database can compare it)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not OFFSETS[0] <= value.utcoffset() <= OFFSETS[1]:
        raise ValidationError(_("A time-zone offset from -12:00 to +14:00, please."), code="offset")
    try:
        return value.astimezone(datetime.timezone.utc)
    except OverflowError as exc:  # within a day of year 1 or 9999
        raise ValidationError(_("A time between the years 1 and 9999, please."), code="moment") from exc


class YearField(forms.IntegerField):
    """A year typed in a form or a query string."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_year(value)


class MonthField(forms.DateField):
    """A month typed in a form or a query string as YYYY-MM (or any day of it); the value is its first day."""

    input_formats = list(MONTH_FORMATS)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_month(value)


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment (``2026-05-01T08:00:00+08:00``) typed in a query string."""

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else check_moment(value)


class MonthSerializerField(serializers.DateField):
    """A month in JSON as YYYY-MM (or any day of it); the value is its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("YYYY-MM"))
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str):  # JSON numbers and lists are not months (parse_month also takes dates)
            raise serializers.ValidationError(_("A month as YYYY-MM, please."))
        try:
            return parse_month(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class MonthConverter:
    """A month in a URL, ``YYYY-MM``: the view gets its first day (a month outside the portal's years matches nothing)."""

    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        try:
            return parse_month(value)
        except ValidationError as exc:
            raise ValueError(value) from exc

    def to_url(self, value):
        return value if isinstance(value, str) else f"{value:%Y-%m}"
