"""Helpers of the assessment tests (the month's data is the ``month_data`` fixture in conftest)."""
import datetime

from freezegun import freeze_time

from plans import assessment

MAY = datetime.date(2026, 5, 1)


def compute_may(scheme, by, reason="", callbacks=None):
    with freeze_time("2026-06-10 09:00:00+08:00"):
        with callbacks(execute=True):
            run = assessment.request_computation(scheme, MAY, by=by, reason=reason)
    run.refresh_from_db()
    return run
