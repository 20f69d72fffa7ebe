"""Friction on the plan pages (issue 14): 填报进度 opens its form in place, decompositions show in 修改记录, a draft
plan is not judged before it is published, and the plan-import review adds targets and moves points."""
import datetime
from decimal import Decimal

from django.http import QueryDict
from django.test import TestCase
from freezegun import freeze_time

from orgs.permissions import SYSTEM
from plans import rollups, services
from plans.choices import Light, PlanStatus
from plans.forms import structure_from_post
from plans.models import Assignment


def test_enter_progress_on_the_point_page_opens_the_form_in_place(client, people, plan):
    client.force_login(people.staff)
    html = client.get(f"/plans/points/{plan.point.pk}/?org=A").content.decode()
    # the button asks htmx for the form and puts it right under itself
    assert f'hx-get="/plans/assignments/{plan.root.pk}/progress/"' in html
    assert f'hx-target="#progress-slot-{plan.root.pk}"' in html and f'id="progress-slot-{plan.root.pk}"' in html
    fragment = client.get(f"/plans/assignments/{plan.root.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert "<details open data-opened>" in fragment and "<html" not in fragment
    # without script the link opens the form's own page, expanded too
    page = client.get(f"/plans/assignments/{plan.root.pk}/progress/").content.decode()
    assert "<details open data-opened>" in page


def test_the_task_list_keeps_its_forms_folded(client, people, plan):
    client.force_login(people.reporter)
    html = client.get("/plans/tasks/").content.decode()
    assert f'id="task-{plan.branch.pk}"' in html and "<details>" in html and "data-opened" not in html


def test_a_decomposition_shows_in_the_history_of_changes(client, people, plan, tree):
    with TestCase.captureOnCommitCallbacks(execute=True):
        point = services.add_point(plan.section, by=people.staff, title="新要点")
        target = services.add_target(point, by=people.staff, metric="培训", value=Decimal(10), unit="期")
        root = Assignment.objects.get(target=target, parent=None)
        services.decompose(root, [(tree.district, Decimal(6), None), (tree.branch, Decimal(4), None)], by=people.staff)
    history = Assignment.history.filter(target_id=target.pk, parent_id=root.pk)
    assert history.count() == 2 and {h.history_user_id for h in history} == {people.staff.pk}
    client.force_login(people.leader)
    html = client.get(f"/plans/points/{point.pk}/?org=A").content.decode()
    assert "任务分解：培训 → 共青团甲市一区委员会，6期" in html
    assert "任务分解：培训 → 一区幸福社区团支部，4期" in html


def test_the_history_of_changes_costs_the_same_queries_for_many_decompositions(client, people, plan, tree,
                                                                                  django_assert_max_num_queries):
    client.force_login(people.leader)
    url = f"/plans/points/{plan.point.pk}/?org=A"
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for code in ("X1", "X2", "X3", "X4", "X5", "X6"):
        from tests.factories import OrganizationFactory
        OrganizationFactory(parent=tree.district, code=code, name=f"支部{code}")
    from orgs.models import Organization
    services.decompose(plan.district, [(o, Decimal(1), None) for o in Organization.objects.filter(code__startswith="X")],
                       by=SYSTEM, confirm_mismatch=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@freeze_time("2026-11-20")
def test_a_draft_plan_of_a_past_year_shows_no_lag_until_it_is_published(people, tree):
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2025, title="2025年工作要点",
                                    status=PlanStatus.DRAFT)
        section = services.add_section(plan, by=SYSTEM, title="一")
        point = services.add_point(section, by=SYSTEM, title="要点")
        target = services.add_target(point, by=SYSTEM, metric="宣讲", value=Decimal(40), unit="场")
        qualitative = services.add_point(section, by=SYSTEM, title="定性要点", deadline=datetime.date(2025, 6, 30))
        services.root_assignment(qualitative)
    rollups.rebuild()
    root = Assignment.objects.get(target=target)
    assert root.light == Light.NOT_STARTED and root.expected is None
    assert Assignment.objects.get(point=qualitative, target=None).light == Light.NOT_STARTED
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.update_plan(plan, by=people.staff, status=PlanStatus.PUBLISHED)
    root.refresh_from_db()
    assert root.light == Light.RED  # published, the year is over and nothing was done
    assert Assignment.objects.get(point=qualitative, target=None).light == Light.RED


def _post(**fields):
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data[key.replace("_", "-")] = value
    return data


def test_the_review_moves_a_point_to_another_section_and_keeps_added_targets():
    post = _post(sections="2", s0_keep="1", s0_number="一", s0_title="思想引领", s0_points="2",
                 s0_p0_keep="1", s0_p0_number="1", s0_p0_title="青年大学习", s0_p0_targets="2", s0_p0_group="一",
                 s0_p0_t0_keep="1", s0_p0_t0_metric="宣讲", s0_p0_t0_value="40", s0_p0_t0_unit="场",
                 # a target the parser missed, added on the page; and an added row left empty
                 s0_p0_t1_keep="1", s0_p0_t1_metric="培训骨干", s0_p0_t1_comparator=">=", s0_p0_t1_value="200",
                 s0_p0_t1_unit="人",
                 s0_p1_keep="1", s0_p1_number="2", s0_p1_title="组织建设要点", s0_p1_targets="1", s0_p1_section="1",
                 s0_p1_t0_keep="1", s0_p1_t0_metric="", s0_p1_t0_value="",
                 s1_keep="1", s1_number="二", s1_title="从严治团", s1_points="1",
                 s1_p0_keep="1", s1_p0_number="3", s1_p0_title="团干部培训", s1_p0_targets="0")
    sections, errors = structure_from_post(post)
    assert errors == []
    first, second = sections
    assert [p["title"] for p in first["points"]] == ["青年大学习"]
    assert [t["metric"] for t in first["points"][0]["targets"]] == ["宣讲", "培训骨干"]
    assert first["points"][0]["targets"][1]["value"] == Decimal(200)
    # the moved point follows its new section, after that section's own points, without its old group
    assert [p["title"] for p in second["points"]] == ["团干部培训", "组织建设要点"]
    assert second["points"][1]["group"] is None and second["points"][1]["targets"] == []


def test_a_point_moved_into_an_unticked_section_is_left_out_with_it():
    post = _post(sections="2", s0_keep="1", s0_title="甲", s0_points="1", s0_p0_keep="1", s0_p0_title="要点",
                 s0_p0_section="1", s1_title="乙", s1_points="0")
    sections, errors = structure_from_post(post)
    assert errors == [] and [s["title"] for s in sections] == ["甲"] and sections[0]["points"] == []


def test_the_review_page_offers_adding_a_target_and_moving_a_point(client, people):
    from tests.plans.test_plan_import import SAMPLE

    client.force_login(people.staff)
    html = client.post("/plans/import/", {"text": SAMPLE}).content.decode()
    assert 'class="btn btn-link btn-sm p-0 add-target"' in html and '<template id="new-target">' in html
    assert 'name="s0-p0-section"' in html and 'class="target-count"' in html and "js/plan_review" in html
    assert "ms-4 mt-1 review-target" not in html  # the indent no longer pushes the row out of its card


def test_a_plan_created_from_the_review_has_the_added_target_and_the_moved_point(client, people):
    client.force_login(people.staff)
    data = {"step": "create", "document": "x", "title": "甲市工作要点", "year": "2026", "organization": "A",
            "sections": "2", "s0-keep": "1", "s0-title": "思想引领", "s0-points": "2",
            "s0-p0-keep": "1", "s0-p0-title": "青年大学习", "s0-p0-targets": "1",
            "s0-p0-t0-keep": "1", "s0-p0-t0-metric": "培训骨干", "s0-p0-t0-value": "200", "s0-p0-t0-unit": "人",
            "s0-p1-keep": "1", "s0-p1-title": "团干部培训", "s0-p1-section": "1",
            "s1-keep": "1", "s1-title": "从严治团", "s1-points": "0"}
    response = client.post("/plans/import/", data)
    assert response.status_code == 302
    from plans.models import Plan
    plan = Plan.objects.get(title="甲市工作要点")
    sections = list(plan.sections.order_by("order"))
    assert [p.title for p in sections[1].points.all()] == ["团干部培训"]
    assert [t.metric for t in sections[0].points.get().targets.all()] == ["培训骨干"]
