import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import Assignment, Plan, ProgressEntry, Target

PNG = b"\x89PNG\r\n\x1a\n" + b"2" * 64


def test_the_plan_page_shows_points_targets_and_lights(client, people, plan):
    client.force_login(people.leader)
    html = client.get(f"/plans/{plan.plan.pk}/").content.decode()
    assert "深化青年大学习" in html and "宣讲活动" in html and 'data-light="' in html


def test_the_plan_page_filters_by_light(client, people, plan):
    client.force_login(people.leader)
    light = Assignment.objects.get(pk=plan.root.pk).light
    other = "done" if light != "done" else "red"
    assert "深化青年大学习" in client.get(f"/plans/{plan.plan.pk}/?light={light}").content.decode()
    assert "深化青年大学习" not in client.get(f"/plans/{plan.plan.pk}/?light={other}").content.decode()


def test_a_child_organisation_sees_the_plan_with_its_own_figures(client, people, plan):
    client.force_login(people.reporter)
    response = client.get(f"/plans/{plan.plan.pk}/")
    assert response.context["organization"].code == "A1a"


def test_child_figures_load_per_target(client, people, plan):
    client.force_login(people.leader)
    html = client.get(f"/plans/assignments/{plan.root.pk}/children/").content.decode()
    assert "共青团甲市一区委员会" in html and "一区幸福社区团支部" in html


def test_pages_use_a_fixed_number_of_queries(client, people, plan, tree, django_assert_max_num_queries):
    from plans import services
    from tests.factories import OrganizationFactory

    client.force_login(people.leader)
    for i in range(15):
        org = OrganizationFactory(parent=tree.district, code=f"Q{i}")
        services.decompose(plan.district, [(org, Decimal(1), None)], by=people.admin, confirm_mismatch=True)
        services.record_progress(Assignment.objects.get(organization=org), by=people.admin,
                                 reported_on=datetime.date(2026, 5, 1), value=Decimal(1))
    for url in [f"/plans/{plan.plan.pk}/", f"/plans/points/{plan.point.pk}/", "/plans/", "/plans/tasks/",
                f"/plans/assignments/{plan.district.pk}/children/"]:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url


def test_my_tasks_saves_progress_inline_and_shows_the_new_figure(client, people, plan, django_capture_on_commit_callbacks):
    client.force_login(people.reporter)
    assert "深化青年大学习" in client.get("/plans/tasks/").content.decode()
    prefix = f"a{plan.branch.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/plans/assignments/{plan.branch.pk}/progress/", {
            f"{prefix}-reported_on": "2026-05-01", f"{prefix}-value": "10", f"{prefix}-note": "五四",
            f"{prefix}-files": [SimpleUploadedFile("p.png", PNG, content_type="image/png")],
        }, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "进度已保存" in html and f'id="task-{plan.branch.pk}"' in html
    assert ProgressEntry.objects.get().evidence.count() == 1
    assert Assignment.objects.get(pk=plan.branch.pk).light == "done"


def test_bad_progress_input_is_refused_in_chinese(client, people, plan):
    client.force_login(people.reporter)
    prefix = f"a{plan.branch.pk}"
    html = client.post(f"/plans/assignments/{plan.branch.pk}/progress/", {
        f"{prefix}-reported_on": "2026-05-01", f"{prefix}-value": "-5",
        f"{prefix}-files": [SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")],
    }).content.decode()
    assert "只接受照片" in html and "大于或等于0" in html.replace(" ", "")
    assert not ProgressEntry.objects.exists()


def test_progress_on_an_archived_plan_shows_a_message(client, people, plan):
    Plan.objects.filter(pk=plan.plan.pk).update(status="archived")
    client.force_login(people.reporter)
    prefix = f"a{plan.branch.pk}"
    html = client.post(f"/plans/assignments/{plan.branch.pk}/progress/", {f"{prefix}-reported_on": "2026-05-01",
                                                                          f"{prefix}-value": "3"}).content.decode()
    assert "已归档" in html and not ProgressEntry.objects.exists()


def test_decomposition_page_checks_the_sum_and_saves_on_confirmation(client, people, plan, tree):
    client.force_login(people.staff)
    url = f"/plans/assignments/{plan.root.pk}/decompose/"
    page = client.get(url)
    assert [org.code for org, _v in page.context["rows"]] == ["A1"]
    html = client.post(url, {f"value-{tree.district.pk}": "12"}).content.decode()
    assert "不等于总目标" in html
    assert Assignment.objects.get(pk=plan.district.pk).assigned_value == 30
    response = client.post(url, {f"value-{tree.district.pk}": "12", "confirm_mismatch": "1"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=plan.district.pk).assigned_value == 12
    html = client.post(url, {f"value-{tree.district.pk}": "abc"}).content.decode()
    assert "不是有效的数字" in html


def test_decomposition_to_every_matching_organisation_below(client, people, plan):
    client.force_login(people.staff)
    page = client.get(f"/plans/assignments/{plan.root.pk}/decompose/?level=grassroots")
    assert [org.code for org, _v in page.context["rows"]] == ["A1a"]


def test_staff_build_a_plan_by_hand(client, people, tree):
    client.force_login(people.staff)
    response = client.post("/plans/new/", {"title": "手工计划", "year": 2026, "status": "draft",
                                           "yellow_threshold": "5", "red_threshold": "15"})
    plan = Plan.objects.get(title="手工计划")
    assert response.status_code == 302 and plan.organization == tree.city_a
    client.post(f"/plans/{plan.pk}/sections/new/", {"number": "一", "title": "第一部分"})
    section = plan.sections.get()
    client.post(f"/plans/sections/{section.pk}/points/new/", {"number": "1", "title": "要点一", "status": "not_started"})
    point = section.points.get()
    response = client.post(f"/plans/points/{point.pk}/targets/new/", {
        "metric": "活动", "comparator": "gte", "value": "12", "unit": "场", "aggregation": "sum", "progress_rule": "cumulative"})
    assert response.status_code == 302
    assert Target.objects.get(point=point).assignments.get().organization == tree.city_a
    response = client.post("/plans/new/", {"title": "手工计划", "year": 2026, "status": "draft",
                                           "yellow_threshold": "5", "red_threshold": "15"})
    assert "已有" in response.content.decode()


def test_evidence_downloads_only_for_those_who_see_it(client, people, plan, settings, tmp_path, other_plan):
    from plans import services

    settings.MEDIA_ROOT = tmp_path
    entry = services.record_progress(plan.branch, by=people.reporter, reported_on=datetime.date(2026, 5, 1), value=Decimal(1),
                                     files=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
    evidence = entry.evidence.get()
    client.force_login(people.leader)
    assert client.get(f"/plans/evidence/{evidence.pk}/").status_code == 200
    client.force_login(people.outsider)
    assert client.get(f"/plans/evidence/{evidence.pk}/").status_code == 404


def test_decomposition_values_from_a_spreadsheet(client, people, plan, tree):
    from tests.factories import OrganizationFactory

    extra = OrganizationFactory(parent=tree.district, code="A1x")
    client.force_login(people.staff)
    url = f"/plans/assignments/{plan.district.pk}/decompose/"
    sheet = "组织编码,分解目标值,完成时限\nA1x,12,2026-09-30\nB,3,\nA1x,4,\nA1a,abc,\n".encode()
    html = client.post(url, {"file": SimpleUploadedFile("parts.csv", sheet)}).content.decode()
    assert "“B”不是" in html and "组织编码重复" in html and "“abc”不是数字" in html
    assert not Assignment.objects.filter(organization=extra).exists()
    sheet = "组织编码,分解目标值,完成时限\nA1x,12,2026-09-30\n".encode()
    response = client.post(url, {"file": SimpleUploadedFile("parts.csv", sheet), "confirm_mismatch": "1"})
    assert response.status_code == 302
    part = Assignment.objects.get(organization=extra)
    assert (part.assigned_value, str(part.deadline)) == (12, "2026-09-30")


def test_milestones_are_added_and_marked_done(client, people, plan):
    from plans import services as plan_services
    from plans.models import Milestone

    client.force_login(people.staff)
    point = plan_services.add_point(plan.section, by=people.staff, title="定性要点")
    client.post(f"/plans/points/{point.pk}/milestones/", {"title": "制定方案", "due_on": "2026-03-31"})
    milestone = Milestone.objects.get(point=point)
    client.post(f"/plans/milestones/{milestone.pk}/done/")
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    client.force_login(people.leader)
    assert client.post(f"/plans/milestones/{milestone.pk}/done/").status_code == 403
    client.force_login(people.outsider)
    assert client.post(f"/plans/milestones/{milestone.pk}/done/").status_code == 404


def test_points_get_groups_and_tags_by_hand(client, people, plan):
    client.force_login(people.staff)
    url = f"/plans/sections/{plan.section.pk}/points/new/"
    base = {"number": "2", "title": "开展主题团日", "status": "not_started"}
    client.post(url, {**base, "new_group": "（二）加强基层组织建设", "tags_text": "团日，支部、组织"})
    point = plan.section.points.get(title="开展主题团日")
    assert (point.group.number, point.group.title, point.tags) == ("二", "加强基层组织建设", ["团日", "支部", "组织"])
    client.post(url, {**base, "title": "第二个", "group": point.group.pk})
    assert plan.section.points.get(title="第二个").group == point.group
    assert "（二）加强基层组织建设" in client.get(f"/plans/{plan.plan.pk}/").content.decode()


def test_behind_the_proxy_an_evidence_file_is_sent_by_the_proxy(client, people, plan, settings, tmp_path):
    """With MEDIA_ACCEL_REDIRECT the portal checks the right and answers headers only; the proxy (Caddy in
    docker-compose.yml) serves the file from MEDIA_ROOT at that internal path. Without it the portal sends the bytes."""
    from plans import services

    settings.MEDIA_ROOT = tmp_path
    entry = services.record_progress(plan.branch, by=people.reporter, reported_on=datetime.date(2026, 5, 1), value=Decimal(1),
                                     files=[SimpleUploadedFile("照片 1.png", PNG, content_type="image/png")])
    evidence = entry.evidence.get()
    client.force_login(people.leader)
    assert b"".join(client.get(f"/plans/evidence/{evidence.pk}/").streaming_content) == PNG
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = client.get(f"/plans/evidence/{evidence.pk}/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"].startswith("/protected-media/")
    path = response["X-Accel-Redirect"].encode("latin-1").decode()  # raw UTF-8 on the wire
    assert path.startswith("/protected-media/evidence/") and path.endswith("/照片_1.png")
    assert (tmp_path / path.removeprefix("/protected-media/")).read_bytes() == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    client.force_login(people.outsider)
    response = client.get(f"/plans/evidence/{evidence.pk}/")
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_an_entry_keeps_the_point_of_its_assignment(people, plan):
    from plans import services

    services.record_progress(Assignment.objects.get(pk=plan.branch.pk), by=people.admin,
                             reported_on=datetime.date(2026, 5, 1), value=Decimal(1))
    entry = ProgressEntry.objects.latest("pk")
    assert entry.point_id == plan.branch.point_id == plan.point.pk


def test_a_point_page_pages_its_newest_entries_without_counting_them_and_in_the_same_queries(
        client, people, plan, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans import services

    branch = Assignment.objects.get(pk=plan.branch.pk)
    client.force_login(people.leader)
    url = f"/plans/points/{plan.point.pk}/"

    def record(days):
        for day in days:
            services.record_progress(branch, by=people.admin, reported_on=datetime.date(2026, 1, 1)
                                     + datetime.timedelta(days=day), value=Decimal(day + 1))

    record(range(3))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    record(range(3, 25))
    with CaptureQueriesContext(connection) as many:
        first = client.get(url)
    assert len(many) == len(few)
    shown = [e.reported_on for e in first.context["entries"]]
    newest = list(ProgressEntry.objects.filter(assignment__point=plan.point).order_by(
        "-reported_on", "-entered_at", "-pk").values_list("reported_on", flat=True))
    assert shown == newest[:20]
    html = first.content.decode()
    assert "page=2" in html and "第 1 页" in html and "第 1 页，共" not in html  # no total: nothing was counted
    second = client.get(url + "?page=2")
    assert [e.reported_on for e in second.context["entries"]] == newest[20:40]
    assert "page=1" in second.content.decode() and "page=3" not in second.content.decode()
