"""A plan from a document: the review page, the draft it creates, and the API."""
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import Plan, Target, WorkPoint

SAMPLE = (Path(__file__).resolve().parent.parent / "plan_samples" / "zaozhuang-city-2020.txt").read_text(encoding="utf-8")


def review(client, **data):
    return client.post("/plans/import/", data)


def test_the_review_page_marks_targets_and_lists_the_structure(client, people):
    client.force_login(people.staff)
    response = review(client, text=SAMPLE)
    html = response.content.decode()
    assert '<mark class="target-span">年内开展不少于40场宣讲活动</mark>' in html
    assert response.context["parsed"]["year"] == 2020 and len(response.context["parsed"]["sections"]) == 5
    assert 'value="A"' in html  # the staff's current organisation is proposed


def test_creating_the_draft_from_the_reviewed_fields(client, people):
    client.force_login(people.staff)
    parsed = review(client, text=SAMPLE).context["parsed"]
    data = {"step": "create", "document": SAMPLE, "title": "枣庄共青团2020年工作要点", "year": "2020", "organization": "A",
            "sections": len(parsed["sections"])}
    for i, section in enumerate(parsed["sections"]):
        data.update({f"s{i}-keep": "1", f"s{i}-number": section["number"], f"s{i}-title": section["title"],
                     f"s{i}-points": len(section["points"])})
        for j, point in enumerate(section["points"]):
            data.update({f"s{i}-p{j}-keep": "1", f"s{i}-p{j}-number": point["number"], f"s{i}-p{j}-title": point["title"],
                         f"s{i}-p{j}-text": point["text"], f"s{i}-p{j}-targets": len(point["targets"])})
            for k, target in enumerate(point["targets"]):
                data.update({f"s{i}-p{j}-t{k}-keep": "1", f"s{i}-p{j}-t{k}-metric": target["metric"],
                             f"s{i}-p{j}-t{k}-comparator": target["comparator"], f"s{i}-p{j}-t{k}-value": str(target["value"]),
                             f"s{i}-p{j}-t{k}-unit": target["unit"], f"s{i}-p{j}-t{k}-deadline": target["deadline"] or ""})
    data["s4-keep"] = ""  # the reviewer drops the last section
    data["s0-p0-t0-value"] = "45"  # and corrects a value
    response = client.post("/plans/import/", data)
    plan = Plan.objects.get(title="枣庄共青团2020年工作要点")
    assert response.status_code == 302 and plan.status == "draft" and plan.organization.code == "A"
    assert plan.sections.count() == 4 and WorkPoint.objects.filter(section__plan=plan).count() == 14
    talks = Target.objects.get(point__section__plan=plan, metric="宣讲活动")
    assert (talks.value, talks.unit, talks.comparator, str(talks.deadline)) == (45, "场", "gte", "2020-12-31")


def test_bad_review_input_is_shown_and_nothing_is_created(client, people):
    client.force_login(people.staff)
    data = {"step": "create", "document": "x", "title": "", "year": "二〇二〇", "organization": "B", "sections": "1",
            "s0-keep": "1", "s0-title": "", "s0-points": "1", "s0-p0-keep": "1", "s0-p0-title": "要点", "s0-p0-targets": "1",
            "s0-p0-t0-keep": "1", "s0-p0-t0-value": "很多"}
    html = client.post("/plans/import/", data).content.decode()
    for message in ("组织编码", "年度", "标题", "需要标题", "不小于 0 的数字"):
        assert message in html, message
    assert not Plan.objects.exists()


def test_unreadable_documents_get_a_message(client, people):
    client.force_login(people.staff)
    html = client.post("/plans/import/", {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04 broken")}).content.decode()
    assert "无法读取该 Word 文档" in html
    assert "文档是空的" in client.post("/plans/import/", {"text": "   "}).content.decode()


def test_only_plan_editors_may_import(client, people):
    for role, expected in (("leader", 403), ("reporter", 403), ("assessor", 403), ("staff", 200), ("admin", 200)):
        client.force_login(getattr(people, role))
        assert client.get("/plans/import/").status_code == expected, role


def test_the_parse_api_writes_nothing(api, people):
    response = api.login(people.leader).post("/api/v1/plans/parse/", {"text": SAMPLE})
    assert response.status_code == 200 and response.json()["sections"][0]["number"] == "一"
    assert not Plan.objects.exists()
    response = api.login(people.leader).post("/api/v1/plans/parse/",
                                              {"file": SimpleUploadedFile("x.txt", b"\x00\x01" * 300)}, multipart=True)
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_the_api_creates_a_draft_from_a_document_inside_ones_reach(api, people):
    client = api.login(people.staff)
    response = client.post("/api/v1/plans/from-document/", {"text": SAMPLE, "organization": "A", "year": 2020})
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "枣庄共青团2020年工作要点" and response.json()["status"] == "draft"
    assert client.post("/api/v1/plans/from-document/", {"text": SAMPLE, "organization": "B", "year": 2020}).status_code == 400
    assert api.login(people.leader).post("/api/v1/plans/from-document/",
                                         {"text": SAMPLE, "organization": "A", "year": 2021}).status_code == 403
