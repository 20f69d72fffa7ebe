"""Monthly reports: deadline arithmetic, who reports, fields, and the review workflow."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from core import months
from orgs.permissions import SYSTEM
from orgs.services import assign_role
from plans.models import ProgressEntry
from reports import selectors, services
from reports.models import MonthlyReport, ReportField, ReportingRule

D = datetime.date


@pytest.mark.parametrize("month, due_day, expected", [
    (D(2026, 1, 1), 5, D(2026, 2, 5)),
    (D(2026, 12, 1), 5, D(2027, 1, 5)),
    (D(2026, 1, 17), 5, D(2026, 2, 5)),
    (D(2028, 1, 1), 31, D(2028, 2, 29)),
    (D(2026, 1, 1), 31, D(2026, 2, 28)),
])
def test_due_dates_fall_in_the_following_month(month, due_day, expected):
    assert months.due_date(month, due_day) == expected


def test_lateness_is_counted_in_shanghai_time():
    due = D(2026, 2, 5)
    assert months.days_late(datetime.datetime(2026, 2, 5, 15, 59, tzinfo=datetime.UTC), due) == 0  # 23:59 in Shanghai
    assert months.days_late(datetime.datetime(2026, 2, 5, 16, 1, tzinfo=datetime.UTC), due) == 1  # 00:01 next day
    assert months.days_late(datetime.datetime(2026, 2, 1, 9, 0, tzinfo=datetime.UTC), due) == 0


def test_rules_say_who_reports_with_exceptions(tree):
    rule = ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], due_day=8)
    assert [o.code for o in selectors.obligated()] == ["A1a"]
    assert selectors.due_day_of(tree.branch) == 8 and selectors.due_day_of(tree.district) is None
    rule.exceptions.add(tree.branch)
    assert list(selectors.obligated()) == [] and selectors.due_day_of(tree.branch) is None


def test_fields_are_inherited_and_the_nearest_definition_wins(tree):
    ReportField.objects.create(organization=tree.city_a, key="meetings", label="支部委员会次数", order=1)
    ReportField.objects.create(organization=tree.province, key="rate", label="青年大学习参学率", field_type="percent", order=2)
    ReportField.objects.create(organization=tree.district, key="meetings", label="支委会（区定义）", order=1)
    assert [f.label for f in selectors.fields_for(tree.branch)] == ["支委会（区定义）", "青年大学习参学率"]
    assert [f.label for f in selectors.fields_for(tree.other_branch)] == ["青年大学习参学率"]


def test_values_are_checked_by_type_bounds_and_requirement(tree):
    fields = [
        ReportField.objects.create(organization=tree.city_a, key="meetings", label="会议次数", field_type="integer",
                                   required=True, minimum=0, maximum=31),
        ReportField.objects.create(organization=tree.city_a, key="rate", label="参学率", field_type="percent", minimum=0),
        ReportField.objects.create(organization=tree.city_a, key="held", label="是否开展团日", field_type="boolean"),
    ]
    values, errors = services.clean_values(fields, {"meetings": "3", "rate": "105.5", "held": "是"})
    assert values == {"meetings": 3, "rate": "105.5", "held": True} and not errors  # participation may exceed 100 %
    _values, errors = services.clean_values(fields, {"meetings": "40", "rate": "abc", "held": "maybe"})
    assert set(errors) == {"meetings", "rate", "held"}
    assert "meetings" in services.clean_values(fields, {})[1] and "2.5" not in str(services.clean_values(fields, {"meetings": "2.5"})[0])


@pytest.fixture
def report(plan, tree, people):
    return services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)


def test_a_report_starts_with_a_line_per_assignment_and_once_per_month(report, tree, people, plan):
    assert [line.assignment for line in report.lines.all()] == [plan.branch]
    assert report.due_on == D(2026, 6, 5)
    assert services.start_report(tree.branch, D(2026, 5, 20), by=people.reporter) == report
    assert MonthlyReport.objects.count() == 1


def test_the_whole_cycle_ends_in_progress_entries(report, people, plan):
    line = report.lines.get()
    report = services.save_draft(report, by=people.reporter, lines={line.pk: (Decimal(7), "五月宣讲")},
                                 work_done="开展主题团日", version=report.version)
    with freeze_time("2026-06-07 10:00:00"):
        report = services.submit_report(report, by=people.reporter, version=report.version)
    assert (report.status, report.days_late) == ("submitted", 2)
    with pytest.raises(ValidationError):
        services.return_report(report, by=people.staff, reason="  ")
    report = services.return_report(report, by=people.staff, reason="请补充照片", version=report.version)
    report = services.save_draft(report, by=people.reporter, problems="无", version=report.version)
    report = services.submit_report(report, by=people.reporter, version=report.version)
    report = services.approve_report(report, by=people.leader, version=report.version)
    assert report.status == "approved" and report.is_locked
    entry = ProgressEntry.objects.get()
    assert (entry.assignment, entry.value, entry.reported_on, entry.entered_by) == (plan.branch, 7, D(2026, 5, 31), people.reporter)
    assert list(report.events.values_list("action", flat=True)) == ["submit", "return", "submit", "approve"]


def test_a_locked_report_cannot_be_edited_until_reopened_with_a_reason(report, people):
    report = services.submit_report(report, by=people.reporter)
    report = services.approve_report(report, by=people.staff)
    with pytest.raises(ValidationError):
        services.save_draft(report, by=people.reporter, work_done="改")
    with pytest.raises(ValidationError):
        services.reopen_report(report, by=people.staff, reason="")
    report = services.reopen_report(report, by=people.staff, reason="数据有误")
    assert report.status == "returned" and report.events.last().reason == "数据有误"
    services.save_draft(report, by=people.reporter, work_done="改正")


def test_reviewers_sit_above_the_reporting_organisation(report, tree, people):
    report = services.submit_report(report, by=people.reporter)
    assign_role(people.nobody, tree.branch, "staff", by=SYSTEM)  # staff of the branch itself
    for user in (people.nobody, people.reporter, people.assessor, people.outsider):
        with pytest.raises(PermissionDenied):
            services.approve_report(report, by=user)
    services.approve_report(report, by=people.leader)


def test_two_reviewers_acting_at_once_cannot_both_win(report, people):
    report = services.submit_report(report, by=people.reporter)
    seen = report.version
    services.approve_report(report, by=people.staff, version=seen)
    with pytest.raises(ValidationError) as exc:
        services.return_report(report, by=people.leader, reason="迟到", version=seen)
    assert exc.value.code == "stale"
    assert MonthlyReport.objects.get().status == "approved"


def test_a_report_for_another_organisation_is_refused(tree, people, plan):
    with pytest.raises(PermissionDenied):
        services.start_report(tree.other_branch, D(2026, 5, 1), by=people.reporter)


def test_required_fields_block_submission(report, tree, people):
    ReportField.objects.create(organization=tree.city_a, key="meetings", label="会议次数", required=True)
    with pytest.raises(ValidationError) as exc:
        services.submit_report(report, by=people.reporter)
    assert "meetings" in exc.value.message_dict
    report = services.save_draft(report, by=people.reporter, values={"meetings": "2"})
    assert services.submit_report(report, by=people.reporter).status == "submitted"


def test_the_default_fields_come_from_domain_practice(tree, people):
    services.install_default_fields(tree.city_a, by=people.staff)
    services.install_default_fields(tree.city_a, by=people.staff)  # a second time adds nothing
    labels = [f.label for f in selectors.fields_for(tree.branch)]
    assert len(labels) == len(services.DEFAULT_FIELDS) and "支部委员会（次）" in labels and "青年大学习参学率（%）" in labels
    with pytest.raises(PermissionDenied):
        services.install_default_fields(tree.city_a, by=people.leader)
