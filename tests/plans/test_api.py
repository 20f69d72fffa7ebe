import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import Assignment, Plan, ProgressEntry, Target

PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 64


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_staff_create_a_plan_with_structure_and_a_target(api, people, tree):
    client = api.login(people.staff)
    plan = client.post("/api/v1/plans/", {"organization": "A", "year": 2026, "title": "甲市工作要点"})
    assert plan.status_code == 201, plan.json()
    section = client.post("/api/v1/sections/", {"plan": plan.json()["id"], "number": "一", "title": "强化思想引领"})
    point = client.post("/api/v1/work-points/", {"section": section.json()["id"], "number": "1", "title": "开展宣讲"})
    target = client.post("/api/v1/targets/", {"point": point.json()["id"], "metric": "宣讲", "value": "40", "unit": "场"})
    assert target.status_code == 201, target.json()
    root = Assignment.objects.get(target_id=target.json()["id"])
    assert root.organization == tree.city_a and root.assigned_value == 40


def test_leaders_and_outsiders_cannot_create_plans(api, people):
    for user in (people.leader, people.outsider):
        response = api.login(user).post("/api/v1/plans/", {"organization": "A", "year": 2026, "title": "x"})
        assert response.status_code in (400, 403)
    assert not Plan.objects.exists()


def test_bad_values_are_json_errors(api, people, plan):
    client = api.login(people.staff)
    response = client.post("/api/v1/targets/", {"point": plan.point.pk, "metric": "x", "value": "-1"})
    assert response.status_code == 400 and "value" in response.json()["errors"]
    response = client.post("/api/v1/targets/", {"point": plan.point.pk, "metric": "x", "value": "很多"})
    assert response.status_code == 400
    response = client.patch(f"/api/v1/plans/{plan.plan.pk}/", {"yellow_threshold": "20", "red_threshold": "10"})
    assert response.status_code == 400
    assert Target.objects.count() == 1


def test_a_plan_assigned_down_is_visible_below_with_only_the_subtree(api, people, plan, tree):
    from tests.factories import RoleAssignmentFactory, UserFactory

    branch_staff = RoleAssignmentFactory(user=UserFactory(username="branch_staff"), organization=tree.branch, role="staff").user
    client = api.login(branch_staff)
    assert [p["id"] for p in results(client.get("/api/v1/plans/"))] == [plan.plan.pk]
    assert [a["organization"] for a in results(client.get("/api/v1/assignments/"))] == ["A1a"]
    assert len(results(client.get("/api/v1/work-points/"))) == 1
    assert results(api.login(people.outsider).get("/api/v1/plans/")) == []
    assert results(api.login(people.outsider).get("/api/v1/assignments/")) == []


def test_assignments_filter_by_light_and_subtree(api, people, plan):
    client = api.login(people.leader)
    assert len(results(client.get("/api/v1/assignments/?within=A1"))) == 2
    lights = {a["light"] for a in results(client.get("/api/v1/assignments/"))}
    for light in lights:
        assert {a["light"] for a in results(client.get(f"/api/v1/assignments/?light={light}"))} == {light}
    assert client.get("/api/v1/assignments/?light=purple").status_code == 400


def test_decompose_via_api_checks_the_sum(api, people, plan, tree):
    client = api.login(people.staff)
    url = f"/api/v1/assignments/{plan.root.pk}/decompose/"
    response = client.post(url, {"parts": [{"organization": "A1", "value": "10"}]})
    assert response.status_code == 400 and "detail" in response.json()
    response = client.post(url, {"parts": [{"organization": "A1", "value": "10"}], "confirm_mismatch": True})
    assert response.status_code == 200
    assert {a["organization"]: a["assigned_value"] for a in response.json()}["A1"] == "10.0000"
    response = client.post(url, {"parts": [{"organization": "B", "value": "10"}]})
    assert response.status_code == 400


def test_progress_with_evidence_through_the_api(api, people, plan, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client = api.login(people.reporter)
    with django_capture_on_commit_callbacks(execute=True):  # the roll-up runs after the commit
        response = client.post("/api/v1/progress-entries/", {
            "assignment": plan.branch.pk, "reported_on": "2026-05-01", "value": "6", "note": "五四宣讲",
            "files": [SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
        }, multipart=True)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["evidence"][0]["original_name"] == "photo.png" and body["entered_by"] == "reporter_a1a"
    branch = client.get(f"/api/v1/assignments/{plan.branch.pk}/").json()
    assert branch["actual_value"] == "6.0000" and branch["light"] != "not_started"


def test_progress_input_errors(api, people, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api.login(people.reporter)
    base = {"assignment": plan.branch.pk, "reported_on": "2026-05-01"}
    assert client.post("/api/v1/progress-entries/", {**base, "value": "-3"}).status_code == 400
    assert client.post("/api/v1/progress-entries/", base).status_code == 400
    fake = SimpleUploadedFile("virus.exe", b"MZ....", content_type="application/octet-stream")
    response = client.post("/api/v1/progress-entries/", {**base, "value": "1", "files": [fake]}, multipart=True)
    assert response.status_code == 400 and "files" in response.json()["errors"]
    liar = SimpleUploadedFile("photo.jpg", b"not a jpeg", content_type="image/jpeg")
    assert client.post("/api/v1/progress-entries/", {**base, "value": "1", "files": [liar]}, multipart=True).status_code == 400
    settings.EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    assert client.post("/api/v1/progress-entries/", {**base, "value": "1", "files": [big]}, multipart=True).status_code == 400
    other = client.post("/api/v1/progress-entries/", {**base, "assignment": plan.district.pk, "value": "1"})
    assert other.status_code == 400  # the district's assignment is not visible to the branch reporter
    assert not ProgressEntry.objects.exists()


def test_progress_on_an_archived_plan_is_a_json_error(api, people, plan):
    plan.plan.status = "archived"
    plan.plan.save()
    response = api.login(people.reporter).post("/api/v1/progress-entries/", {
        "assignment": plan.branch.pk, "reported_on": str(datetime.date(2026, 5, 1)), "value": "3"})
    assert response.status_code == 400 and "归档" in response.json()["errors"]["non_field_errors"][0]


def test_roll_up_figures_are_read_only(api, people, plan):
    response = api.login(people.admin).patch(f"/api/v1/assignments/{plan.root.pk}/", {"actual_value": "99"})
    assert response.status_code == 405
    assert Assignment.objects.get(pk=plan.root.pk).actual_value != Decimal(99)
