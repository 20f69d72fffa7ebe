"""Imports of volunteers and service records: good files write everything, any problem writes nothing."""
import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from orgs.choices import ImportStatus
from volunteers import imports, pii
from volunteers.models import ServiceDay, ServiceRecord, Volunteer, VolunteerImport
from volunteers.selectors import figures

from .conftest import activity_of, volunteer_of
from .ids import resident_id
from .sheets import RECORD_HEADER, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def spring(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with freeze_time("2026-04-15 10:00:00+08:00", tick=True):
        yield


def run(upload, by, organization, django_capture_on_commit_callbacks, kind="volunteers", **fields):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.start_import(by=by, kind=kind, organization=organization, upload=upload, **fields)
    job.refresh_from_db()
    return job


def apply(job, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imports.apply_import(job, by=by)
    job.refresh_from_db()
    return job


def volunteer_row(name="张三", number=None, organization="A1a", **cells):
    row = {"姓名": name, "性别": "", "证件类型": "居民身份证", "证件号码": number or resident_id(), "手机号": "13912345678",
           "所属组织": organization, "政治面貌": "共青团员", "注册时间": "2026-03-01", "志愿者编号": "ZYH001"}
    row.update(cells)
    return list(row.values())


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_good_volunteer_file_is_checked_then_written_whole(tree, people, make, django_capture_on_commit_callbacks):
    numbers = [resident_id() for _ in range(3)]
    rows = [volunteer_row(f"志愿者{i}", n, organization=code) for i, (n, code) in
            enumerate(zip(numbers, ["A1a", "一区幸福社区团支部", ""], strict=True))]
    job = run(make(rows), people.staff, tree.district, django_capture_on_commit_callbacks, platform="zhiyuanhui")
    assert job.status == ImportStatus.DONE, (job.detail, job.errors)
    assert job.summary["rows"] == 3 and job.summary["valid"] == 3
    assert not Volunteer.objects.exists()
    job = apply(job, people.staff, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE and job.summary["imported"] == 3
    assert not job.file
    made = {v.name: v for v in Volunteer.objects.select_related("organization")}
    assert made["志愿者0"].organization == tree.branch and made["志愿者2"].organization == tree.district
    assert pii.decrypt(made["志愿者0"].id_number_encrypted) == numbers[0]
    assert made["志愿者0"].mobile_masked == "139****5678" and made["志愿者0"].platform == "zhiyuanhui"
    assert made["志愿者0"].birth_date == datetime.date(2000, 5, 17)


def test_a_good_records_file_writes_confirmed_hours_and_sums_days(tree, people, django_capture_on_commit_callbacks):
    volunteer = volunteer_of(tree.branch)
    other = volunteer_of(tree.branch, name="王五")
    activity = activity_of(tree.district, first=datetime.date(2026, 3, 1), days=3)
    number = pii.decrypt(volunteer.id_number_encrypted)
    rows = [[number, "社区清洁", "2026-03-01", "3.5"], [number, "社区清洁", "2026/3/2", 4],
            [pii.decrypt(other.id_number_encrypted), "社区清洁", datetime.date(2026, 3, 2), "2"]]
    job = run(xlsx_file(rows, RECORD_HEADER), people.staff, tree.city_a, django_capture_on_commit_callbacks, kind="records")
    assert job.status == ImportStatus.DONE, job.errors
    assert job.summary["hours"] == "9.5"
    job = apply(job, people.staff, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.errors
    assert ServiceRecord.objects.filter(activity=activity, status="confirmed", source="import").count() == 3
    volunteer.refresh_from_db()
    assert volunteer.confirmed_hours == Decimal("7.5")
    assert ServiceDay.objects.get(volunteer=volunteer, date=datetime.date(2026, 3, 1)).hours == Decimal("3.5")
    # the statistics of the subtree and of those above follow the import
    for organization in (tree.branch, tree.city_a, tree.province):
        march = figures(organization, datetime.date(2026, 3, 1))
        assert (march.hours, march.registered) == (Decimal("9.5"), 2), organization


def bad_number():
    good = resident_id()
    return good[:17] + ("0" if good[17] != "0" else "1")


def only_problems(job):
    return [(p["row"], p["column"], p["message"]) for p in job.errors]


def assert_refused(job, row, column, fragment):
    assert job.status == ImportStatus.INVALID, (job.status, job.detail)
    found = [p for p in job.errors if p["row"] == row and p["column"] == column]
    assert found, only_problems(job)
    assert any(fragment in p["message"] for p in found), only_problems(job)


VOLUNTEER_PROBLEMS = [
    ("check digit", lambda t: [volunteer_row(number=bad_number())], 2, "证件号码", "校验位不正确"),
    ("birth date in the number", lambda t: [volunteer_row(number="44030520001331" + "1234")], 2, "证件号码", "出生日期"),
    ("impossible registration date", lambda t: [volunteer_row(注册时间="2026-02-30")], 2, "注册时间", "不存在"),
    ("registration date is no date", lambda t: [volunteer_row(注册时间="去年")], 2, "注册时间", "YYYY-MM-DD"),
    ("future registration", lambda t: [volunteer_row(注册时间="2027-01-01")], 2, "注册时间", "晚于今天"),
    ("duplicate in the file", lambda t: [volunteer_row(number=t), volunteer_row(name="重复", number=t)], 3, "证件号码",
     "第 3 行"),
    ("organisation outside the subtree", lambda t: [volunteer_row(organization="乙市机关团支部")], 2, "所属组织",
     "乙市机关团支部"),
    ("organisation above", lambda t: [volunteer_row(organization="P")], 2, "所属组织", "不是"),
    ("unknown organisation", lambda t: [volunteer_row(organization="不存在的支部")], 2, "所属组织", "不存在的支部"),
    ("gender of another type", lambda t: [volunteer_row(性别="未知")], 2, "性别", "未知"),
    ("gender against the number", lambda t: [volunteer_row(性别="女", number=resident_id(male=True))], 2, "性别", "性别"),
    ("political status", lambda t: [volunteer_row(政治面貌="学生会")], 2, "政治面貌", "学生会"),
    ("mobile", lambda t: [volunteer_row(手机号="12345")], 2, "手机号", "11位"),
    ("document type", lambda t: [volunteer_row(证件类型="驾驶证")], 2, "证件类型", "驾驶证"),
    ("name missing", lambda t: [volunteer_row(name="")], 2, "姓名", ""),
    ("huge name", lambda t: [volunteer_row(name="长" * 40000)], 2, "姓名", "50"),
]


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
@pytest.mark.parametrize("what, rows, row, column, fragment", VOLUNTEER_PROBLEMS, ids=[p[0] for p in VOLUNTEER_PROBLEMS])
def test_a_bad_volunteer_row_is_named_by_row_and_column_and_nothing_is_written(
        tree, people, make, what, rows, row, column, fragment, django_capture_on_commit_callbacks):
    good = volunteer_row(name="好人")
    job = run(make([good, *rows(resident_id())] if row > 2 else [*rows(resident_id()), good]), people.staff,
              tree.district, django_capture_on_commit_callbacks)
    if row == 2:
        assert_refused(job, 2, column, fragment)
    else:
        assert_refused(job, row + 1, column, fragment)
    assert job.summary["rows"] >= 2
    assert not Volunteer.objects.exists()
    with pytest.raises(Exception):
        imports.apply_import(job, by=people.staff)


def test_a_number_registered_already_is_refused(tree, people, django_capture_on_commit_callbacks):
    known = volunteer_of(tree.branch)
    job = run(csv_file([volunteer_row(number=pii.decrypt(known.id_number_encrypted))]), people.staff, tree.district,
              django_capture_on_commit_callbacks)
    assert_refused(job, 2, "证件号码", "已注册")
    assert Volunteer.objects.count() == 1


def test_a_missing_column_is_named_in_the_header_row(tree, people, django_capture_on_commit_callbacks):
    job = run(csv_file([["张三", "A1a"]], header=["姓名", "所属组织"]), people.staff, tree.district,
              django_capture_on_commit_callbacks)
    assert_refused(job, 1, "证件号码", "缺少该列")


def test_a_reporter_imports_into_their_branch_only(tree, people, django_capture_on_commit_callbacks):
    job = run(csv_file([volunteer_row(organization="A1")]), people.reporter, tree.branch,
              django_capture_on_commit_callbacks)
    assert_refused(job, 2, "所属组织", "A1")
    with pytest.raises(Exception):
        run(csv_file([volunteer_row()]), people.reporter, tree.district, django_capture_on_commit_callbacks)
    assert not VolunteerImport.objects.filter(organization=tree.district).exists()


def test_a_problem_that_appears_before_applying_rolls_everything_back(tree, people, django_capture_on_commit_callbacks):
    number = resident_id()
    job = run(csv_file([volunteer_row(name="甲"), volunteer_row(name="乙", number=number)]), people.staff,
              tree.district, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE
    volunteer_of(tree.branch, id_number=number)  # registered by hand meanwhile
    job = apply(job, people.staff, django_capture_on_commit_callbacks)
    assert_refused(job, 3, "证件号码", "已注册")
    assert list(Volunteer.objects.values_list("name", flat=True)) == ["李四"]


@pytest.fixture
def served(tree):
    volunteer = volunteer_of(tree.branch)
    activity_of(tree.district, first=datetime.date(2026, 3, 1), days=3)
    return pii.decrypt(volunteer.id_number_encrypted)


def record(number, title="社区清洁", date="2026-03-01", hours="3"):
    return [number, title, date, hours]


RECORD_PROBLEMS = [
    ("hours over 24", lambda n: [record(n, hours="25")], 2, "服务时长", "24"),
    ("hours not a number", lambda n: [record(n, hours="三小时")], 2, "服务时长", "三小时"),
    ("more than 24 hours a day", lambda n: [record(n, hours="20"), record(n, title="敬老", hours="5")], 3, "服务时长",
     "超过24小时"),
    ("date outside the activity", lambda n: [record(n, date="2026-03-09")], 2, "服务日期", "活动期间"),
    ("impossible date", lambda n: [record(n, date="2026-02-29")], 2, "服务日期", "不存在"),
    ("day to come", lambda n: [record(n, date="2026-05-01")], 2, "服务日期", ""),
    ("duplicate in the file", lambda n: [record(n), record(n, hours="1")], 3, "服务日期", "第 2 行"),
    ("unknown volunteer", lambda n: [record(resident_id())], 2, "证件号码", ""),
    ("unknown activity", lambda n: [record(n, title="无此活动")], 2, "活动名称", "无此活动"),
    ("activity outside the subtree", lambda n: [record(n, title="乙市活动")], 2, "活动名称", "乙市活动"),
]


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
@pytest.mark.parametrize("what, rows, row, column, fragment", RECORD_PROBLEMS, ids=[p[0] for p in RECORD_PROBLEMS])
def test_a_bad_record_row_is_named_by_row_and_column_and_nothing_is_written(
        tree, people, served, make, what, rows, row, column, fragment, django_capture_on_commit_callbacks):
    activity_of(tree.district, title="敬老", first=datetime.date(2026, 3, 1), days=3)
    activity_of(tree.other_branch, title="乙市活动", first=datetime.date(2026, 3, 1), days=3)
    job = run(make(rows(served), RECORD_HEADER), people.staff, tree.city_a, django_capture_on_commit_callbacks,
              kind="records")
    assert_refused(job, row, column, fragment)
    assert not ServiceRecord.objects.exists() and not ServiceDay.objects.exists()


def test_records_go_to_the_activity_chosen_at_upload(tree, people, served, django_capture_on_commit_callbacks):
    chosen = activity_of(tree.branch, title="图书整理", first=datetime.date(2026, 3, 1), days=2)
    job = run(csv_file([[served, "", "2026-03-02", "2"]], header=RECORD_HEADER), people.reporter, tree.branch,
              django_capture_on_commit_callbacks, kind="records", activity=chosen)
    assert job.status == ImportStatus.DONE, job.errors
    apply(job, people.reporter, django_capture_on_commit_callbacks)
    assert list(ServiceRecord.objects.values_list("activity__title", flat=True)) == ["图书整理"]


def test_an_activity_outside_the_subtree_cannot_be_chosen(tree, people, served, django_capture_on_commit_callbacks):
    elsewhere = activity_of(tree.other_branch, title="乙市活动")
    with pytest.raises(Exception):
        run(csv_file([[served, "", "2026-03-02", "2"]], header=RECORD_HEADER), people.staff, tree.city_a,
            django_capture_on_commit_callbacks, kind="records", activity=elsewhere)
    assert not VolunteerImport.objects.exists()


def test_hours_already_served_that_day_count_towards_24(tree, people, served, django_capture_on_commit_callbacks):
    job = run(csv_file([record(served, hours="20")], header=RECORD_HEADER), people.staff, tree.city_a,
              django_capture_on_commit_callbacks, kind="records")
    apply(job, people.staff, django_capture_on_commit_callbacks)
    activity_of(tree.district, title="敬老", first=datetime.date(2026, 3, 1), days=3)
    job = run(csv_file([record(served, title="敬老", hours="4.5")], header=RECORD_HEADER), people.staff, tree.city_a,
              django_capture_on_commit_callbacks, kind="records")
    assert_refused(job, 2, "服务时长", "超过24小时")
    assert ServiceRecord.objects.count() == 1


def test_hours_imported_for_volunteers_of_other_organisations_reach_their_statistics(
        tree, people, django_capture_on_commit_callbacks):
    """The branch organised the activity; the volunteer belongs to the district above it, outside the import's
    organisation: the district's figures count the hours all the same."""
    volunteer = volunteer_of(tree.district)
    activity_of(tree.branch, first=datetime.date(2026, 3, 1), days=3)
    rows = [[pii.decrypt(volunteer.id_number_encrypted), "社区清洁", "2026-03-02", "4"]]
    job = run(xlsx_file(rows, RECORD_HEADER), people.staff, tree.branch, django_capture_on_commit_callbacks,
              kind="records")
    assert job.status == ImportStatus.DONE, job.errors
    job = apply(job, people.staff, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.errors
    assert figures(tree.district, datetime.date(2026, 3, 1)).hours == Decimal(4)
    assert figures(tree.city_a, datetime.date(2026, 3, 1)).hours == Decimal(4)
