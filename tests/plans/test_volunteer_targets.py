"""A target bound to a volunteer figure: its progress fills itself from the statistics after hours are confirmed
(lights included), nobody enters it by hand (service, page, API, ledger), and the binding is edited like the
target."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from orgs.permissions import SYSTEM
from plans import services, volunteer_targets
from plans.choices import Light
from plans.models import Assignment, ProgressEntry
from tests.volunteers.conftest import activity_of, volunteer_of
from volunteers import services as volunteer_services
from volunteers.choices import VolunteerFigure
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def bound(tree, plan):
    """志愿服务时长 of at least 20 hours this year at city A, 10 of them handed to the branch."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        target = services.add_target(plan.point, by=SYSTEM, metric="志愿服务时长", value=Decimal(20), unit="小时",
                                     volunteer_figure=VolunteerFigure.YEAR_HOURS)
        root = Assignment.objects.get(target=target, parent=None)
        services.decompose(root, [(tree.branch, Decimal(10), None)], by=SYSTEM, confirm_mismatch=True)
    return target


def serve(tree, hours, day):
    volunteer = volunteer_of(tree.branch, registered_on=D(2026, 1, 5))
    activity = activity_of(tree.district, title=f"活动{day}", first=day)
    record = volunteer_services.record_service(by=SYSTEM, activity=activity, volunteer=volunteer, date=day,
                                               hours=Decimal(hours))
    with TestCase.captureOnCommitCallbacks(execute=True):
        volunteer_services.confirm_records(ServiceRecord.objects.filter(pk=record.pk), by=SYSTEM)


def test_a_bound_target_fills_itself_after_hours_are_confirmed_and_its_lights_follow(tree, bound):
    root = Assignment.objects.get(target=bound, parent=None)
    branch = Assignment.objects.get(target=bound, organization=tree.branch)
    assert root.actual_value is None
    serve(tree, 8, D(2026, 3, 2))
    root.refresh_from_db()
    branch.refresh_from_db()
    assert (root.own_value, root.actual_value, branch.actual_value) == (8, 8, 8)  # the city's subtree, not 8 + 8
    assert root.completion == Decimal("0.4") and branch.completion == Decimal("0.8")
    assert root.light == Light.RED  # late November: far behind the time-based 90 %
    serve(tree, 12, D(2026, 4, 2))
    root.refresh_from_db()
    branch.refresh_from_db()
    assert (root.actual_value, root.light, branch.light) == (20, Light.DONE, Light.DONE)
    assert not ProgressEntry.objects.filter(assignment__target=bound).exists()


def test_the_nightly_rebuild_keeps_the_bound_figures(tree, bound):
    serve(tree, 8, D(2026, 3, 2))
    from plans import tasks

    tasks.rebuild_rollups()
    assert Assignment.objects.get(target=bound, parent=None).actual_value == 8


def test_progress_on_a_bound_target_is_refused_by_the_service(tree, bound):
    branch = Assignment.objects.get(target=bound, organization=tree.branch)
    with pytest.raises(ValidationError, match="volunteer statistics|志愿者统计"):
        services.record_progress(branch, by=SYSTEM, reported_on=D(2026, 5, 1), value=Decimal(5))


def test_the_progress_page_and_the_api_refuse_a_manual_entry_with_a_message(tree, people, bound, client, api):
    branch = Assignment.objects.get(target=bound, organization=tree.branch)
    client.force_login(people.staff)
    page = client.get(reverse("plans:record_progress", args=[branch.pk]))
    assert "volunteer statistics" in page.content.decode() or "志愿者统计" in page.content.decode()
    response = client.post(reverse("plans:record_progress", args=[branch.pk]),
                           {f"a{branch.pk}-reported_on": "2026-05-01", f"a{branch.pk}-value": "5"})
    assert response.status_code == 200
    assert not ProgressEntry.objects.filter(assignment=branch).exists()
    api.login(people.staff)
    answer = api.post("/api/v1/progress-entries/", {"assignment": branch.pk, "reported_on": "2026-05-01", "value": "5"})
    assert answer.status_code == 400
    assert "volunteer" in str(answer.json()) or "志愿者" in str(answer.json())
    assert not ProgressEntry.objects.filter(assignment=branch).exists()


def test_the_binding_is_edited_through_the_api_by_who_may_change_the_target(tree, people, plan, api):
    api.login(people.reporter)
    refused = api.patch(f"/api/v1/targets/{plan.target.pk}/", {"volunteer_figure": "registered"})
    assert refused.status_code in (403, 404)
    api.login(people.staff)
    answer = api.patch(f"/api/v1/targets/{plan.target.pk}/", {"volunteer_figure": "registered"})
    assert answer.status_code == 200, answer.content
    plan.target.refresh_from_db()
    assert plan.target.volunteer_figure == VolunteerFigure.REGISTERED
    bad = api.patch(f"/api/v1/targets/{plan.target.pk}/", {"volunteer_figure": "nonsense"})
    assert bad.status_code == 400


def test_the_figure_month_is_this_month_within_the_plan_year():
    assert volunteer_targets.figure_month(2026, D(2026, 11, 24)) == D(2026, 11, 1)
    assert volunteer_targets.figure_month(2025, D(2026, 11, 24)) == D(2025, 12, 1)
    assert volunteer_targets.figure_month(2027, D(2026, 11, 24)) == D(2027, 1, 1)
