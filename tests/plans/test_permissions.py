"""Plans pages and endpoints × roles × inside (city A's plan) and outside (city B's plan)."""
import pytest

ROLES = ["admin", "staff", "reporter", "leader", "assessor"]
ALL = dict.fromkeys(ROLES, 200)
EDITORS = {"admin": 200, "staff": 200, "reporter": 403, "leader": 403, "assessor": 403}
ASSIGNERS = {"admin": 200, "staff": 200, "reporter": 404, "leader": 403, "assessor": 403}
RECORDERS = {"admin": 200, "staff": 200, "reporter": 200, "leader": 403, "assessor": 403}

# (name, url template, which object of the fixture, expected status per role inside)
PAGES = [
    ("plan-detail", "/plans/{plan.pk}/", "plan", ALL),
    ("point-detail", "/plans/points/{point.pk}/", "point", ALL),
    ("plan-edit", "/plans/{plan.pk}/edit/", "plan", EDITORS),
    ("section-add", "/plans/{plan.pk}/sections/new/", "plan", EDITORS),
    ("point-add", "/plans/sections/{section.pk}/points/new/", "section", EDITORS),
    ("point-edit", "/plans/points/{point.pk}/edit/", "point", EDITORS),
    ("target-add", "/plans/points/{point.pk}/targets/new/", "point", EDITORS),
    ("target-edit", "/plans/targets/{target.pk}/edit/", "target", EDITORS),
    ("decompose", "/plans/assignments/{root.pk}/decompose/", "root", ASSIGNERS),
    ("record-progress", "/plans/assignments/{leaf.pk}/progress/", "leaf", RECORDERS),
    ("api-plan", "/api/v1/plans/{plan.pk}/", "plan", ALL),
    ("api-point", "/api/v1/work-points/{point.pk}/", "point", ALL),
    ("api-target", "/api/v1/targets/{target.pk}/", "target", ALL),
    ("api-assignment", "/api/v1/assignments/{leaf.pk}/", "leaf", ALL),
    ("assignment-children", "/plans/assignments/{root.pk}/children/", "root", {**ALL, "reporter": 404}),
    ("ledger-export", "/plans/{plan.pk}/ledger.xlsx", "plan", ALL),
    ("ledger-import", "/plans/{plan.pk}/ledger/import/", "plan", ALL),
    ("api-ledger", "/api/v1/plans/{plan.pk}/ledger/", "plan", ALL),
]


def objects(fixture, leaf):
    return {"plan": fixture.plan, "point": fixture.point, "section": fixture.section, "target": fixture.target,
            "root": fixture.root, "leaf": leaf}


@pytest.mark.parametrize("name, template, _obj, expected", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_plan_pages_inside(client, people, plan, role, name, template, _obj, expected):
    client.force_login(getattr(people, role))
    url = template.format(**objects(plan, plan.branch))
    assert client.get(url).status_code == expected[role]


@pytest.mark.parametrize("name, template, _obj, _expected", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_plan_pages_outside_are_not_found(client, people, other_plan, role, name, template, _obj, _expected):
    client.force_login(getattr(people, role))
    url = template.format(**objects(other_plan, other_plan.root))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_tasks_never_show_outside(client, people, plan, other_plan, role):
    client.force_login(getattr(people, role))
    for url in ["/plans/", "/plans/tasks/", "/api/v1/plans/", "/api/v1/assignments/", "/api/v1/work-points/",
                "/api/v1/targets/", "/api/v1/progress-entries/", "/api/v1/sections/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "乙市" not in response.content.decode(), url


@pytest.mark.parametrize("role", ROLES)
def test_progress_posts_follow_the_roles(client, people, plan, role):
    client.force_login(getattr(people, role))
    response = client.post(f"/plans/assignments/{plan.branch.pk}/progress/", {"a%d-reported_on" % plan.branch.pk: "2026-05-01",
                                                                               "a%d-value" % plan.branch.pk: "4"})
    assert response.status_code == RECORDERS[role]
    assert plan.branch.entries.exists() == (RECORDERS[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_milestones_are_for_editors_inside(client, people, plan, other_plan, role):
    client.force_login(getattr(people, role))
    data = {"title": "阶段目标", "due_on": "2026-06-30"}
    inside = client.post(f"/plans/points/{plan.point.pk}/milestones/", data)
    assert inside.status_code == (302 if EDITORS[role] == 200 else 403)
    assert client.post(f"/plans/points/{other_plan.point.pk}/milestones/", data).status_code == 404
    assert plan.point.milestones.exists() == (EDITORS[role] == 200)
