"""Fixtures of the notification tests: the stand-in provider server."""
import pytest

from tests.notifications.provider_server import ProviderServer


@pytest.fixture
def provider():
    server = ProviderServer(dingtalk_secret="SECtest-secret-钉钉").start()
    yield server
    server.stop()
