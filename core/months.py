"""Month arithmetic: the months before and after, the month reported on now, due dates and days late.

A month here is the date of its first day (``core.dates.parse_month`` reads a typed one). Work on a month is due
on a day of the following month; days late are counted in the portal's time zone (Asia/Shanghai).
"""
import calendar
import datetime

from django.utils import timezone

DEFAULT_DUE_DAY = 5


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: datetime.date) -> datetime.date:
    return month_start(month_start(month) - datetime.timedelta(days=1))


def this_month(today: datetime.date | None = None) -> datetime.date:
    """Today's month (in Asia/Shanghai)."""
    return month_start(today or timezone.localdate())


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The month reported on now: the one before today's (in Asia/Shanghai)."""
    return previous_month(today or timezone.localdate())


def next_month(month: datetime.date) -> datetime.date:
    return (month_end(month) + datetime.timedelta(days=1)).replace(day=1)


def due_date(month: datetime.date, due_day: int = DEFAULT_DUE_DAY) -> datetime.date:
    """The report on ``month`` is due on ``due_day`` of the following month (clamped to its length)."""
    following = next_month(month_start(month))
    return following.replace(day=min(due_day, calendar.monthrange(following.year, following.month)[1]))


def days_late(submitted_at: datetime.datetime, due_on: datetime.date) -> int:
    """Whole days after the due date, counted in the portal's time zone (Asia/Shanghai)."""
    return max((timezone.localdate(submitted_at) - due_on).days, 0)
