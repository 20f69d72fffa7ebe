"""Fixtures of the volunteer tests: a registrar (city A's staff), volunteers of the branch, an activity."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from orgs.permissions import SYSTEM
from volunteers import services

from .ids import resident_id

TZ = ZoneInfo("Asia/Shanghai")


def volunteer_of(organization, name="李四", **fields):
    fields.setdefault("id_type", "resident")
    fields.setdefault("id_number", resident_id())
    fields.setdefault("registered_on", datetime.date(2026, 1, 5))
    return services.register_volunteer(by=SYSTEM, organization=organization, name=name, **fields)


def activity_of(organization, title="社区清洁", first=datetime.date(2026, 3, 1), days=3, **fields):
    start = datetime.datetime.combine(first, datetime.time(8), TZ)
    return services.create_activity(by=SYSTEM, organization=organization, title=title, starts_at=start,
                                    ends_at=start + datetime.timedelta(days=days - 1, hours=10), **fields)


@pytest.fixture
def volunteer(tree):
    return volunteer_of(tree.branch, mobile="13812345678")


@pytest.fixture
def activity(tree):
    return activity_of(tree.district, planned_hours=4)
