"""The month-end rush, short (bench/rush.py runs the full one: 50 clients for 60 s): 10 branch reporters at once
through gunicorn submit monthly reports and record progress for 10 s. No request fails, and every accepted write is
stored exactly once."""
import os

import pytest

from bench.rush import build_world, rush, summarise, verify

from .conftest import database_url
from .live import Portal

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: CI's stack is not here"),
]


def test_ten_reporters_at_once_lose_and_duplicate_nothing(transactional_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("gunicorn shares the test database: set DATABASE_URL to PostgreSQL")
    world = build_world(10)
    portal = Portal(DATABASE_URL=database_url(), REDIS_URL="")  # eager roll-ups: the database is what is tested
    portal.start()
    try:
        log, accepted, elapsed = rush(portal.url, world, seconds=10, max_requests=2000)
    finally:
        portal.stop()
    result = summarise(log, elapsed)
    print(result)
    assert result["requests"] > 20 and result["errors"] == 0, (result, portal.output())
    assert accepted["entries"] and accepted["reports"]
    assert verify(world, accepted) == []
