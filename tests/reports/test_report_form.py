"""The month form: autosave while typing, copy from last month, attachments, the previous month beside it."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import MonthlyReport, ReportAttachment

D = datetime.date
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def april(tree, people, report_setup, plan):
    """April approved with figures, narrative and a line figure; May started as a draft."""
    report = services.start_report(tree.branch, D(2026, 4, 1), by=people.reporter)
    services.save_draft(report, by=people.reporter, values={"meetings": 1, "study_rate": "88"}, work_done="四月团日",
                        next_plan="五月青年大学习", lines={report.lines.get().pk: (4, "四场宣讲")})
    report = services.submit_report(report, by=people.reporter)
    services.approve_report(report, by=people.staff)
    may = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
    return MonthlyReport.objects.get(pk=report.pk), may


def test_autosave_keeps_what_is_valid_and_says_what_is_not(april, people):
    _april, may = april
    may, errors = services.autosave(may, by=people.reporter, version=may.version,
                                    values={"meetings": "2", "study_rate": "abc"}, work_done="五月")
    assert may.values == {"meetings": 2} and may.work_done == "五月" and list(errors) == ["study_rate"]
    may, errors = services.autosave(may, by=people.reporter, version=may.version, values={"meetings": "x", "study_rate": "90"})
    assert may.values == {"meetings": 2, "study_rate": "90"} and list(errors) == ["meetings"]


def test_autosave_with_a_stale_version_is_refused(april, people):
    _april, may = april
    with pytest.raises(ValidationError):
        services.autosave(may, by=people.reporter, version=may.version - 1, work_done="旧页面")


def test_the_autosave_endpoint_answers_with_the_new_version(client, april, people):
    _april, may = april
    client.force_login(people.reporter)
    line = may.lines.get()
    response = client.post(f"/reports/{may.pk}/autosave/", {
        "version": may.version, "field-meetings": "3", "field-study_rate": "", "work_done": "正在填写",
        f"line-{line.pk}": "5", f"line-{line.pk}-note": "五场"})
    html = response.content.decode()
    may.refresh_from_db()
    assert response.status_code == 200 and "自动保存" in html and f'value="{may.version}"' in html
    assert 'hx-swap-oob="outerHTML:.report-version"' in html
    assert may.work_done == "正在填写" and may.values == {"meetings": 3} and may.lines.get().value == 5
    html = client.post(f"/reports/{may.pk}/autosave/", {"version": may.version, "field-meetings": "99"}).content.decode()
    assert "未保存" in html and "31" in html
    html = client.post(f"/reports/{may.pk}/autosave/", {"version": "1", "work_done": "旧"}).content.decode()
    assert "刷新" in html  # someone else changed it: reload
    client.force_login(people.leader)
    assert client.post(f"/reports/{may.pk}/autosave/", {"version": may.version}).status_code == 403


def test_copy_from_last_month_fills_only_what_is_empty(april, people):
    _april, may = april
    may = services.save_draft(may, by=people.reporter, values={"meetings": 2}, work_done="五月自己写的", version=may.version)
    may, copied = services.copy_previous(may, by=people.reporter, version=may.version)
    assert may.values == {"meetings": 2, "study_rate": "88"} and may.work_done == "五月自己写的"
    assert may.next_plan == "五月青年大学习" and may.lines.get().value == 4 and may.lines.get().note == "四场宣讲"
    assert copied == 3  # the rate, next month's plan, one line


def test_copy_needs_an_earlier_report_and_an_editable_one(tree, people, report_setup, april):
    april_report, _may = april
    with pytest.raises(ValidationError):
        services.copy_previous(april_report, by=people.reporter)  # April is approved (locked)
    march = services.start_report(tree.branch, D(2026, 3, 1), by=people.reporter)
    with pytest.raises(ValidationError):
        services.copy_previous(march, by=people.reporter)  # nothing before March


def test_the_copy_button(client, april, people):
    _april, may = april
    client.force_login(people.reporter)
    response = client.post(f"/reports/{may.pk}/copy/", {"version": may.version}, follow=True)
    assert "已从上月报告复制 5 项" in response.content.decode()


def test_attachments_are_checked_limited_and_locked_with_the_report(april, people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    april_report, may = april
    (photo,) = services.attach_files(may, [SimpleUploadedFile("团日.png", PNG, content_type="image/png")], by=people.reporter)
    assert photo.size == len(PNG) and len(photo.sha256) == 64 and photo.uploaded_by == people.reporter
    with pytest.raises(ValidationError):
        services.attach_files(may, [SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("fake.pdf", b"not a pdf")],
                              by=people.reporter)
    assert may.attachments.count() == 1  # all or none
    with pytest.raises(ValidationError):
        services.attach_files(april_report, [SimpleUploadedFile("late.png", PNG)], by=people.reporter)
    with pytest.raises(PermissionDenied):
        services.attach_files(may, [SimpleUploadedFile("x.png", PNG)], by=people.leader)
    with pytest.raises(ValidationError):
        services.attach_files(may, [SimpleUploadedFile(f"{i}.png", PNG) for i in range(services.MAX_ATTACHMENTS)],
                              by=people.reporter)
    services.remove_attachment(photo, by=people.reporter)
    assert not ReportAttachment.objects.exists()


def test_attachment_pages_follow_the_tree(client, april, people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    _april, may = april
    client.force_login(people.reporter)
    client.post(f"/reports/{may.pk}/attachments/", {"files": [SimpleUploadedFile("会议.png", PNG)]})
    attachment = ReportAttachment.objects.get()
    assert client.get(f"/reports/attachments/{attachment.pk}/").status_code == 200
    html = client.get(f"/reports/{may.pk}/").content.decode()
    assert "会议.png" in html
    response = client.post(f"/reports/{may.pk}/attachments/", {"files": [SimpleUploadedFile("病毒.exe", b"MZ")]}, follow=True)
    assert "只接受" in response.content.decode() and ReportAttachment.objects.count() == 1
    client.force_login(people.outsider)
    assert client.get(f"/reports/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/reports/attachments/{attachment.pk}/remove/").status_code == 404
    client.force_login(people.leader)
    assert client.get(f"/reports/attachments/{attachment.pk}/").status_code == 200
    assert client.post(f"/reports/attachments/{attachment.pk}/remove/").status_code == 403
    client.force_login(people.reporter)
    client.post(f"/reports/attachments/{attachment.pk}/remove/")
    assert not ReportAttachment.objects.exists()


def test_the_previous_month_is_shown_beside_the_review(client, april, people):
    _april, may = april
    may = services.save_draft(may, by=people.reporter, values={"meetings": 2}, version=may.version)
    services.submit_report(may, by=people.reporter)
    client.force_login(people.leader)
    html = client.get(f"/reports/{may.pk}/").content.decode()
    assert 'id="previous-month"' in html and "四月团日" in html and "2026-04" in html and 'id="review-box"' in html


def test_the_api_copies_and_attaches(api, april, people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    _april, may = april
    api.login(people.reporter)
    data = api.post(f"/api/v1/monthly-reports/{may.pk}/copy-previous/", {"version": may.version}).json()
    assert data["values"]["study_rate"] == "88" and data["version"] == may.version + 1
    response = api.post(f"/api/v1/monthly-reports/{may.pk}/attachments/", {"files": [SimpleUploadedFile("a.png", PNG)]},
                        multipart=True)
    assert response.status_code == 200 and response.json()["attachments"][0]["original_name"] == "a.png"
    bad = api.post(f"/api/v1/monthly-reports/{may.pk}/attachments/", {"files": [SimpleUploadedFile("a.pdf", b"nope")]},
                   multipart=True)
    assert bad.status_code == 400 and "detail" in bad.json()
    attachment_id = response.json()["attachments"][0]["id"]
    api.login(people.leader)
    assert api.delete(f"/api/v1/monthly-reports/{may.pk}/attachments/{attachment_id}/").status_code == 403
    api.login(people.reporter)
    assert api.delete(f"/api/v1/monthly-reports/{may.pk}/attachments/{attachment_id}/").status_code == 204
