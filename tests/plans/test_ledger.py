import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from plans.models import ProgressEntry


def ledger_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


def upload(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("ledger.xlsx", buffer.getvalue())


def test_the_ledger_has_a_row_per_target_and_organisation_with_chinese_headers(client, people, plan):
    client.force_login(people.leader)
    response = client.get(f"/plans/{plan.plan.pk}/ledger.xlsx")
    sheet, rows = ledger_rows(response.content)
    assert rows[0][:7] == ["任务编号", "部分", "工作要点", "量化指标", "单位", "组织编码", "组织名称"]
    assert [r[5] for r in rows[1:]] == ["A", "A1", "A1a"]
    assert rows[1][7] == 40 and sheet.freeze_panes == "A2"
    assert sheet["J2"].number_format == "0%"


def test_the_ledger_is_a_template_that_prints(client, people, plan):
    client.force_login(people.leader)
    book = load_workbook(io.BytesIO(client.get(f"/plans/{plan.plan.pk}/ledger.xlsx").content))
    sheet = book.worksheets[0]
    checks = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert checks["M2"].type == "decimal" and checks["M2"].formula1 == "0" and checks["N2"].type == "date"
    assert sheet.protection.sheet and sheet["A1"].protection.locked and not sheet["M2"].protection.locked
    assert book.sheetnames == ["台账", "说明"] and any("本次填报数" in str(r) for r in book["说明"].values)
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1" and "&P" in sheet.oddFooter.center.text


def test_a_ledger_filled_in_with_openpyxl_on_the_template_imports(client, people, plan):
    client.force_login(people.staff)
    book = load_workbook(io.BytesIO(client.get(f"/plans/{plan.plan.pk}/ledger.xlsx").content))
    sheet = book.worksheets[0]
    sheet["M3"], sheet["N3"], sheet["O3"] = 7, "2026-05-20", "模板填报"
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(f"/plans/{plan.plan.pk}/ledger/import/", {"file": SimpleUploadedFile("台账.xlsx", buffer.getvalue())})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.assignment.organization.code, entry.value, str(entry.reported_on), entry.note) == (
        "A1", 7, "2026-05-20", "模板填报")


def test_the_ledger_follows_the_viewed_organisation_and_the_users_reach(client, people, plan):
    client.force_login(people.reporter)
    _sheet, rows = ledger_rows(client.get(f"/plans/{plan.plan.pk}/ledger.xlsx").content)
    assert [r[5] for r in rows[1:]] == ["A1a"]


def test_filled_in_figures_import_back_as_progress(client, people, plan):
    client.force_login(people.staff)
    _sheet, rows = ledger_rows(client.get(f"/plans/{plan.plan.pk}/ledger.xlsx").content)
    rows[2][12:15] = [12, "2026-05-31", "线下汇总"]
    rows[3][12] = 4
    response = client.post(f"/plans/{plan.plan.pk}/ledger/import/", {"file": upload(rows)})
    assert response.status_code == 302
    entries = {e.assignment.organization.code: (e.value, str(e.reported_on), e.note) for e in ProgressEntry.objects.all()}
    assert entries["A1"] == (12, "2026-05-31", "线下汇总") and entries["A1a"][0] == 4


def test_one_bad_row_means_no_figure_is_recorded(client, people, plan):
    client.force_login(people.staff)
    _sheet, rows = ledger_rows(client.get(f"/plans/{plan.plan.pk}/ledger.xlsx").content)
    rows[2][12] = 12
    rows[3][12] = "很多"
    rows[1][12:14] = [5, "明天"]
    html = client.post(f"/plans/{plan.plan.pk}/ledger/import/", {"file": upload(rows)}).content.decode()
    assert "“很多”不是数字" in html and "不是日期" in html and "未导入任何数据" in html
    assert not ProgressEntry.objects.exists()


def test_rows_outside_ones_reach_or_unknown_are_refused(client, people, plan):
    client.force_login(people.reporter)
    header = ["任务编号", "本次填报数"]
    html = client.post(f"/plans/{plan.plan.pk}/ledger/import/",
                       {"file": upload([header, [plan.district.pk, 3], [999999, 1], [plan.branch.pk, 2], [plan.branch.pk, 3]])}).content.decode()
    assert html.count("不是本计划的任务编号") == 2 and "出现了两次" in html
    assert not ProgressEntry.objects.exists()
    client.force_login(people.leader)
    html = client.post(f"/plans/{plan.plan.pk}/ledger/import/", {"file": upload([header, [plan.branch.pk, 3]])}).content.decode()
    assert "无权为" in html


def test_the_ledger_api_exports_and_imports(api, people, plan):
    client = api.login(people.staff)
    response = client.get(f"/api/v1/plans/{plan.plan.pk}/ledger/?org=A1")
    _sheet, rows = ledger_rows(response.content)
    assert [r[5] for r in rows[1:]] == ["A1", "A1a"]
    rows[1][12] = 7
    response = client.post(f"/api/v1/plans/{plan.plan.pk}/ledger/", {"file": upload(rows)}, multipart=True)
    assert response.json() == {"recorded": 1, "errors": []}
    rows[1][12] = -1
    response = client.post(f"/api/v1/plans/{plan.plan.pk}/ledger/", {"file": upload(rows)}, multipart=True)
    assert response.status_code == 400 and response.json()["errors"][0]["column"] == "本次填报数"


def test_an_upload_leaves_one_audit_row_not_one_per_line(client, people, plan):
    from orgs.choices import AuditAction
    from orgs.models import AuditEntry

    AuditEntry.objects.all().delete()  # the fixture's own writes
    client.force_login(people.staff)
    _sheet, rows = ledger_rows(client.get(f"/plans/{plan.plan.pk}/ledger.xlsx").content)
    rows[2][12:15] = [12, "2026-05-31", "线下汇总"]
    rows[3][12] = 4
    assert client.post(f"/plans/{plan.plan.pk}/ledger/import/", {"file": upload(rows)}).status_code == 302
    assert ProgressEntry.objects.count() == 2
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.changes) == (AuditAction.LEDGER_APPLY, people.staff, {"entries": [None, 2]})
