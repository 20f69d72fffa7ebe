"""The replica router: dashboard and statistics reads go to the replica alias (here the same database under a second
name), writes, reads in a transaction and log-in state to the primary."""
import pytest
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from league_portal.db_router import PRIMARY, REPLICA, ReplicaRouter, use_replica
from orgs.models import Organization

ROUTER = "league_portal.db_router.ReplicaRouter"


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    yield
    # an open second session (or a pool of them) would keep the test database from being dropped
    connections[REPLICA].close()
    if connections[REPLICA].vendor == "postgresql":
        connections[REPLICA].close_pool()  # a no-op without a pool


@pytest.mark.django_db(databases=[PRIMARY, REPLICA], transaction=True)
def test_reads_go_to_the_primary_unless_replica_reads_are_on(routed):
    assert Organization.objects.all().db == PRIMARY
    with use_replica():
        assert Organization.objects.all().db == REPLICA
    assert Organization.objects.all().db == PRIMARY


@pytest.mark.django_db(databases=[PRIMARY, REPLICA], transaction=True)
def test_writes_reads_in_a_transaction_and_log_in_state_stay_on_the_primary(routed):
    router = ReplicaRouter()
    with use_replica():
        assert router.db_for_write(Organization) == PRIMARY
        assert User.objects.all().db == PRIMARY
        with transaction.atomic():
            assert Organization.objects.all().db == PRIMARY
        assert Organization.objects.all().db == REPLICA
    assert router.allow_migrate(PRIMARY, "orgs") and not router.allow_migrate(REPLICA, "orgs")


@pytest.mark.django_db(databases=[PRIMARY, REPLICA], transaction=True)
def test_the_dashboard_reads_through_the_replica_and_a_write_page_does_not(routed, client, people):
    client.force_login(people.leader)
    code = people.leader.role_assignments.first().organization.code
    with CaptureQueriesContext(connections[REPLICA]) as replica, \
            CaptureQueriesContext(connections[PRIMARY]) as primary:
        response = client.get(f"/dashboard/{code}/")
    assert response.status_code == 200
    assert len(replica) > 5, "the 工作台's figures were not read from the replica"
    # log-in state (the session, the user) is read from the primary; other rows may join users on the replica
    assert not [query for query in replica if 'FROM "django_session"' in query["sql"]
                or 'FROM "auth_user" WHERE' in query["sql"]]
    assert any('FROM "django_session"' in query["sql"] for query in primary)

    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert client.get("/plans/").status_code == 200
    assert len(replica) == 0


@pytest.mark.django_db(databases=[PRIMARY, REPLICA], transaction=True)
def test_volunteer_statistics_api_reads_through_the_replica(routed, client, people):
    client.force_login(people.leader)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get("/api/v1/volunteer-statistics/")
    assert response.status_code == 200
    assert len(replica) > 0


@pytest.mark.django_db
def test_without_the_router_nothing_reaches_the_replica_alias():
    with use_replica():
        assert Organization.objects.all().db == PRIMARY
