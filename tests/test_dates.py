"""core.dates: the one place typed years, months and moments are read; core.months: month arithmetic; a month in a
spreadsheet cell (core.spreadsheets) is read by the same parse_month."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from core import dates, months
from core.spreadsheets import parse_month_cell

D = datetime.date


@pytest.mark.parametrize("text, month", [("2026-05", D(2026, 5, 1)), ("2026-05-31", D(2026, 5, 1)), (" 2000-01 ", D(2000, 1, 1)),
                                         ("2100-12-01", D(2100, 12, 1)), (D(2026, 2, 14), D(2026, 2, 1))])
def test_a_month_is_its_first_day(text, month):
    assert dates.parse_month(text) == month


@pytest.mark.parametrize("text", ["9999-12-01", "0001-01", "1999-12", "2101-01", "2026-13", "2026-02-30", "2026/05",
                                  "May 2026", "", "2026-05-01T00:00:00"])
def test_a_month_outside_the_portals_years_or_not_a_month_is_refused(text):
    with pytest.raises(ValidationError):
        dates.parse_month(text)


@pytest.mark.parametrize("text", ["1e-300", "0", "-1", "99999", "2026.5", "２０２６", "", "2026 "])
def test_a_year_is_whole_digits_within_the_portals_years(text):
    if text == "2026 ":
        assert dates.parse_year(text) == 2026
        return
    with pytest.raises(ValidationError):
        dates.parse_year(text)


@pytest.mark.parametrize("hours", [-19, -13, 15, 23])
def test_a_moment_with_an_offset_no_time_zone_has_is_refused(hours):
    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=hours)))
    with pytest.raises(ValidationError):
        dates.check_moment(moment)


def test_a_moment_is_compared_in_utc_and_a_naive_one_is_read_in_the_portals_time_zone():
    eastern = datetime.datetime(2026, 1, 1, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=14)))
    assert dates.check_moment(eastern) == datetime.datetime(2025, 12, 31, 18, tzinfo=datetime.timezone.utc)
    assert dates.check_moment(datetime.datetime(2026, 1, 1, 8)).hour == 0  # Asia/Shanghai is UTC+8


def test_a_moment_at_the_edge_of_pythons_calendar_is_refused_not_overflowed():
    with pytest.raises(ValidationError):
        dates.check_moment(datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))))
    with pytest.raises(ValidationError):
        dates.check_moment(datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.timezone(datetime.timedelta(hours=-2))))


@given(st.dates(min_value=D(dates.FIRST_YEAR, 1, 1), max_value=D(dates.LAST_YEAR, 12, 31)))
def test_every_accepted_month_has_a_due_date_and_a_next_month(day):
    month = dates.parse_month(day.isoformat())
    assert months.previous_month(month) < month < months.next_month(month) < months.due_date(month, 28)


@pytest.mark.parametrize("value", ["2026-05", "2026/05", "2026年5月", "2026年05月", " 2026-05-31 ", D(2026, 5, 17),
                                   datetime.datetime(2026, 5, 31, 23, 0)])
def test_a_month_cell_reads_what_spreadsheets_and_people_write(value):
    assert parse_month_cell(value) == (D(2026, 5, 1), None)


@pytest.mark.parametrize("value, message", [("soon", "“soon” is not a month (YYYY-MM)."), (None, "“None” is not a month (YYYY-MM)."),
                                            ("2026-13", "“2026-13” is not a month (YYYY-MM)."),
                                            ("1850年1月", "A year from 2000 to 2100, please."),
                                            (D(1999, 12, 1), "A year from 2000 to 2100, please.")])
def test_a_cell_that_is_not_a_month_of_the_portals_years_says_why(value, message):
    with translation.override("en"):
        assert parse_month_cell(value) == (None, message)


def test_this_month_and_last_month_are_counted_in_the_portals_time_zone():
    assert months.this_month(D(2026, 1, 31)) == D(2026, 1, 1)
    assert months.last_month(D(2026, 1, 31)) == D(2025, 12, 1)
    with freeze_time("2026-05-31 17:00:00+00:00"):  # 1 June, 01:00 in Shanghai
        assert months.this_month() == D(2026, 6, 1) and months.last_month() == D(2026, 5, 1)
