import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.spreadsheets import SpreadsheetError, read_table
from orgs import exports, importers
from orgs.models import Organization, OrganizationMove

HEADER = "组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n"


def csv_file(body, encoding="utf-8", name="tree.csv"):
    return SimpleUploadedFile(name, (HEADER + body).encode(encoding))


def plan_for(text, user, **kwargs):
    return importers.plan_import(read_table(csv_file(text, **kwargs)), by=user)


def errors(plan):
    return [(e.row, e.column) for e in plan.errors]


def test_it_previews_new_rows_without_writing(people):
    plan = plan_for("A1b,二号支部,A1,基层,团支部,学校,12,30\n", people.admin)
    assert plan.is_valid and plan.summary["create"] == 1
    assert not Organization.objects.filter(code="A1b").exists()


def test_it_imports_children_before_parents_whatever_the_row_order(people):
    plan = plan_for("A1c,孙支部,A1x,基层,团支部,,5,5\nA1x,新团总支,A1,基层,团总支,学校,1,1\n", people.admin)
    assert plan.is_valid
    importers.apply_import(plan, by=people.admin)
    child = Organization.objects.get(code="A1c")
    assert Organization.objects.get(path=child.parent_path).code == "A1x"
    assert child.sector == "other"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Z1,无上级,NOPE,基层,团支部,学校,1,1\n", [(2, "上级组织编码")]),
        ("A1b,甲,A1,基层,团支部,学校,1,1\nA1b,乙,A1,基层,团支部,学校,1,1\n", [(3, "组织编码")]),
        ("A1b,甲,A1,基层,团支部,学校,很多,1\n", [(2, "团员数")]),
        ("A1b,甲,A1,基层,团支部,学校,-3,1.5\n", [(2, "团员数"), (2, "青年数")]),
        ("A1b,,A1,基层,团支部,学校,1,1\n", [(2, "组织名称")]),
        (",甲,A1,基层,团支部,学校,1,1\n", [(2, "组织编码")]),
        ("A1b,甲,A1,星级,团支部,学校,1,1\n", [(2, "组织层级")]),
        ("A1b,甲,A1b,基层,团支部,学校,1,1\n", [(2, "上级组织编码")]),
    ],
    ids=["unknown-parent", "duplicate-code", "bad-number", "negative-and-fraction", "missing-name", "missing-code",
         "bad-level", "own-parent"],
)
def test_it_lists_each_problem_by_row_and_column(people, body, expected):
    plan = plan_for(body, people.admin)
    assert errors(plan) == expected
    assert all(e.message for e in plan.errors)


def test_it_detects_a_cycle_through_the_stored_tree(people, tree):
    # A1 becomes a child of A1a, which stays a child of A1 in the stored tree: a cycle.
    plan = plan_for("A1,共青团甲市一区委员会,A1a,县级,团委,机关,3,0\n", people.admin)
    assert errors(plan) == [(2, "上级组织编码")]
    assert "cycle" in plan.errors[0].message or "循环" in plan.errors[0].message


def test_it_detects_a_cycle_inside_the_file(people):
    plan = plan_for("X1,甲,X2,基层,团支部,,1,1\nX2,乙,X1,基层,团支部,,1,1\n", people.admin)
    assert sorted(errors(plan)) == [(2, "上级组织编码"), (3, "上级组织编码")]


def test_a_missing_column_is_reported_on_the_header_row(people):
    upload = SimpleUploadedFile("t.csv", "组织编码,组织名称\nA,甲\n".encode())
    plan = importers.plan_import(read_table(upload), by=people.admin)
    assert (1, "组织层级") in errors(plan)


def test_one_bad_row_means_nothing_is_written(people):
    plan = plan_for("A1b,好支部,A1,基层,团支部,学校,1,1\nA1c,坏支部,A1,基层,团支部,学校,x,1\n", people.admin)
    assert not plan.is_valid
    with pytest.raises(Exception):
        importers.apply_import(plan, by=people.admin)
    assert not Organization.objects.filter(code__in=["A1b", "A1c"]).exists()


def test_it_refuses_rows_outside_the_importers_subtree(people):
    plan = plan_for("Bx,乙市新支部,B,基层,团支部,学校,1,1\nA1a,改名,A1,基层,团支部,社区,20,30\n", people.admin)
    assert errors(plan) == [(2, "上级组织编码")]
    plan = plan_for("Bb,改名,B,基层,团支部,机关,7,30\n", people.admin)
    assert errors(plan) == [(2, "组织编码")]


def test_a_changed_parent_moves_the_subtree_with_history(people, tree):
    plan = plan_for("A1a,一区幸福社区团支部,A,基层,团支部,社区,20,30\n", people.admin)
    assert plan.summary["move"] == 1
    importers.apply_import(plan, by=people.admin)
    assert OrganizationMove.objects.get().new_parent.code == "A"


def test_reimporting_an_export_changes_nothing(people, tree):
    data = exports.export_tree(Organization.objects.restrict(people.admin), "xlsx")
    before = list(Organization.objects.values_list("code", "path", "updated_at"))
    plan = importers.plan_import(read_table(SimpleUploadedFile("t.xlsx", data)), by=people.admin)
    assert plan.is_valid, plan.errors
    assert plan.summary == {"create": 0, "update": 0, "move": 0, "unchanged": 3}
    importers.apply_import(plan, by=people.admin)
    assert list(Organization.objects.values_list("code", "path", "updated_at")) == before


def test_the_export_has_chinese_headers_a_frozen_header_and_parent_codes(people, tree):
    sheet = load_workbook(io.BytesIO(exports.export_tree(Organization.objects.restrict(people.admin), "xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("组织编码", "组织名称", "上级组织编码", "组织层级", "组织类型", "所属领域", "团员数", "青年数")
    assert rows[1][:4] == ("A", "共青团甲市委员会", "P", "市级")
    assert sheet.freeze_panes == "A2"


def test_csv_export_reimports_and_gbk_files_are_read(people, tree):
    data = exports.export_tree(Organization.objects.restrict(people.admin), "csv")
    assert data.startswith("\ufeff".encode())
    plan = importers.plan_import(read_table(SimpleUploadedFile("t.csv", data)), by=people.admin)
    assert plan.summary["unchanged"] == 3
    plan = plan_for("A1b,国标编码支部,A1,基层,团支部,学校,1,1\n", people.admin, encoding="gbk")
    assert plan.rows[0].name == "国标编码支部"


@pytest.mark.parametrize(
    "name, content",
    [("t.xlsx", b"PK\x03\x04 not really a zip"), ("t.csv", b""), ("t.pdf", b"%PDF-1.4"), ("t.csv", b"\x00\x01\x02" * 10)],
    ids=["broken-xlsx", "empty", "wrong-type", "binary"],
)
def test_unreadable_files_give_a_clear_message(name, content):
    with pytest.raises(SpreadsheetError) as exc:
        read_table(SimpleUploadedFile(name, content))
    assert str(exc.value)


def test_a_file_over_the_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(SpreadsheetError):
        read_table(SimpleUploadedFile("t.csv", (HEADER * 3).encode()))


CELL = st.one_of(st.text(max_size=12), st.integers(-5, 10**6).map(str), st.sampled_from(["A", "A1", "P", "基层", "团支部", "学校", ""]))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=6))
def test_any_table_gives_a_plan_or_a_message_never_a_crash(people, rows):
    import csv as csv_module
    import io as io_module

    buffer = io_module.StringIO()
    writer = csv_module.writer(buffer)
    writer.writerow(["组织编码", "组织名称", "上级组织编码", "组织层级", "组织类型", "所属领域", "团员数", "青年数"])
    writer.writerows(rows)
    try:
        table = read_table(SimpleUploadedFile("t.csv", buffer.getvalue().encode()))
    except SpreadsheetError:
        return
    plan = importers.plan_import(table, by=people.admin)
    assert all(e.row >= 1 and e.column and e.message for e in plan.errors)
    if plan.is_valid:
        importers.apply_import(plan, by=people.admin)


@hsettings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_a_message(data):
    for name in ("t.csv", "t.xlsx"):
        try:
            read_table(SimpleUploadedFile(name, data))
        except SpreadsheetError as exc:
            assert str(exc)
