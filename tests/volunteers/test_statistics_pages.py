"""The statistics page and its charts' JSON: figures of the chosen organisation and year, children sorted, a fixed
number of queries whatever the size of the tree, and a bad year or an unseen organisation answered cleanly."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory
from volunteers import services, statistics
from volunteers.choices import RecordStatus
from volunteers.models import ServiceRecord

from .conftest import activity_of, volunteer_of

pytestmark = pytest.mark.django_db
D = datetime.date


def populate(tree, branches):
    """``branches`` more branches under the district, each with a volunteer and a confirmed record in March 2026."""
    activity = activity_of(tree.district, first=D(2026, 3, 1))
    for i in range(branches):
        branch = OrganizationFactory(parent=tree.district, name=f"测试团支部{i}", code=f"T{i}", member_count=10)
        volunteer = volunteer_of(branch, f"志愿者{i}", registered_on=D(2026, 1, 5))
        ServiceRecord.objects.create(volunteer=volunteer, activity=activity, organization=branch, date=D(2026, 3, 2),
                                     hours=Decimal(i + 1), status=RecordStatus.CONFIRMED)
    services.rebuild_statistics(tree.province, statistics.months_between(D(2026, 1, 1), D(2026, 11, 1)))


def page(client, org, **query):
    return client.get(reverse("volunteers:statistics"), {"org": org.code, "year": 2026, **query})


@pytest.mark.parametrize("branches", [2, 12])
def test_the_page_costs_the_same_queries_whatever_the_number_of_children(tree, people, client, branches,
                                                                        django_assert_max_num_queries):
    populate(tree, branches)
    client.force_login(people.staff)
    with django_assert_max_num_queries(14):
        response = page(client, tree.district)
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("volunteers:statistics_data"), {"org": tree.district.code}).status_code == 200


def test_the_page_shows_the_figures_and_sorts_the_children(tree, people, client):
    populate(tree, 3)
    client.force_login(people.staff)
    response = page(client, tree.district, sort="-hours")
    assert response.context["figures"].registered == 3
    assert response.context["figures"].year_hours == 6
    assert [c.code for c, _f in response.context["children"]][:3] == ["T2", "T1", "T0"]
    body = response.content.decode()
    assert 'data-chart="hours_by_month"' in body and "<script>" not in body.replace("<script src", "")
    data = client.get(reverse("volunteers:statistics_data"), {"org": tree.district.code, "year": 2026}).json()
    assert data["hours_by_month"]["series"][0]["data"][2] == 6.0
    assert data["stars"]["series"][0]["data"][0] == 3
    assert len(data["share_by_child"]["categories"]) == len(data["share_by_child"]["links"]) == 4  # the branch of the fixture and the three made here


def test_a_bad_year_falls_back_and_an_unseen_organisation_is_not_found(tree, people, client):
    client.force_login(people.staff)
    assert page(client, tree.city_a, year="abc").status_code == 200
    assert page(client, tree.city_a, year="99999999999").status_code == 200
    assert page(client, tree.city_b).status_code == 404
    client.force_login(people.reporter)
    assert page(client, tree.district).status_code == 404
    assert page(client, tree.branch).status_code == 200


def test_the_api_lists_the_figures_with_the_filterset(tree, people, api):
    volunteer_of(tree.branch, registered_on=D(2026, 1, 5))
    services.rebuild_statistics(tree.province, [D(2026, 3, 1), D(2026, 4, 1)])
    api.login(people.staff)
    rows = api.get("/api/v1/volunteer-statistics/", {"within": tree.district.code, "month": "2026-04"}).json()
    found = {row["organization"]: row for row in rows["results"]}
    assert set(found) == {"A1", "A1a"}
    assert found["A1a"]["registered"] == 1 and found["A1a"]["registered_share"] == "5.00"
    assert api.get("/api/v1/volunteer-statistics/", {"month": "2026-13"}).status_code == 400
