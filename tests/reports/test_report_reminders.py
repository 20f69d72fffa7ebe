"""Reminders before, on and after the reporting deadline, the reviewers' digest, and workflow messages (frozen clock)."""
import datetime

import pytest
from freezegun import freeze_time

from notifications.models import Notification
from reports import kinds, reminders, selectors, services
from reports.models import ReportingRule

D = datetime.date


@pytest.mark.parametrize("today, expected", [
    (D(2026, 6, 1), None), (D(2026, 6, 2), kinds.REPORT_DUE_SOON), (D(2026, 6, 3), None), (D(2026, 6, 4), None),
    (D(2026, 6, 5), kinds.REPORT_DUE_TODAY), (D(2026, 6, 6), kinds.REPORT_MISSING), (D(2026, 6, 30), kinds.REPORT_MISSING),
])
def test_the_stage_of_a_reminder(today, expected):
    assert reminders.stage(today, D(2026, 6, 5)) == expected


def kinds_of(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def run_on(day):
    with freeze_time(f"{day} 08:00:00+08:00"):
        return reminders.send_report_reminders()


def test_reporters_are_reminded_three_days_before_on_the_day_and_daily_while_missing(people, report_setup):
    sent = {day: run_on(day) for day in ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-05", "2026-06-06", "2026-06-07"]}
    assert sent == {"2026-06-01": 0, "2026-06-02": 1, "2026-06-03": 0, "2026-06-05": 1, "2026-06-06": 1, "2026-06-07": 1}
    assert kinds_of(people.reporter) == [kinds.REPORT_DUE_SOON, kinds.REPORT_DUE_TODAY, kinds.REPORT_MISSING, kinds.REPORT_MISSING]
    titles = list(Notification.objects.filter(user=people.reporter).order_by("pk").values_list("title", flat=True))
    assert "2026-06-05" in titles[0] and "2天" in titles[-1] and "2026-05" in titles[-1]
    assert not Notification.objects.exclude(user=people.reporter).exists()  # staff of the city do not report


def test_a_second_run_on_the_same_day_sends_nothing(people, report_setup):
    assert run_on("2026-06-06") == 1
    assert run_on("2026-06-06") == 0
    assert Notification.objects.count() == 1


def test_nobody_is_reminded_once_the_report_is_in(people, report_setup, tree):
    with freeze_time("2026-06-04 09:00:00+08:00"):
        report = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
        services.save_draft(report, by=people.reporter, values={"meetings": 1})
        assert run_on("2026-06-05") == 1  # a draft is not in
        services.submit_report(report, by=people.reporter)
    assert run_on("2026-06-06") == 0


def test_a_returned_report_counts_as_missing_again(people, report_setup, tree):
    with freeze_time("2026-06-03 09:00:00+08:00"):
        report = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
        services.save_draft(report, by=people.reporter, values={"meetings": 1})
        report = services.submit_report(report, by=people.reporter)
        services.return_report(report, by=people.staff, reason="缺会议记录")
    assert run_on("2026-06-08") == 1


def test_the_rule_decides_the_deadline_and_exceptions_get_nothing(people, report_setup, tree):
    ReportingRule.objects.filter(pk=report_setup.rule.pk).update(due_day=10)
    assert run_on("2026-06-06") == 0
    assert run_on("2026-06-07") == 1  # three days before the 10th
    report_setup.rule.exceptions.add(tree.branch)
    assert run_on("2026-06-10") == 0


def test_the_nearest_rule_wins(tree, report_setup):
    ReportingRule.objects.create(organization=tree.province, levels=["grassroots"], due_day=20, since=D(2026, 1, 1))
    ReportingRule.objects.create(organization=tree.district, levels=["grassroots"], due_day=12, since=D(2026, 1, 1))
    assert {o.code: o.due_day for o in selectors.obligated()} == {"A1a": 12, "Bb": 20}


def test_reviewers_get_one_digest_a_day(people, report_setup, tree):
    with freeze_time("2026-06-03 09:00:00+08:00"):
        report = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
        services.save_draft(report, by=people.reporter, values={"meetings": 1})
        services.submit_report(report, by=people.reporter)
    Notification.objects.all().delete()  # leave only the digest to look at
    with freeze_time("2026-06-04 08:05:00+08:00"):
        assert reminders.send_review_digest() == 3  # admin, staff and leader of city A (the nearest with reviewers)
        assert reminders.send_review_digest() == 0
    digest = Notification.objects.get(user=people.leader)
    assert digest.kind == kinds.REVIEW_DIGEST and "1" in digest.title and digest.url.startswith("/reports/grid/")
    assert not Notification.objects.filter(user__in=[people.assessor, people.reporter, people.outsider]).exists()
    with freeze_time("2026-06-05 08:05:00+08:00"):
        assert reminders.send_review_digest() == 3


def test_the_workflow_tells_reviewers_and_reporters(people, report_setup, tree, django_capture_on_commit_callbacks):
    report = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
    services.save_draft(report, by=people.reporter, values={"meetings": 1})
    report = services.submit_report(report, by=people.reporter)
    assert set(Notification.objects.filter(kind=kinds.REPORT_SUBMITTED).values_list("user__username", flat=True)) == {
        "admin_a", "staff_a", "leader_a"}
    services.return_report(report, by=people.staff, reason="补充团日活动照片")
    returned = Notification.objects.get(kind=kinds.REPORT_RETURNED)
    assert returned.user == people.reporter and returned.body == "补充团日活动照片" and "退回" in returned.title
    report.refresh_from_db()
    report = services.submit_report(report, by=people.reporter)
    services.approve_report(report, by=people.leader)
    assert Notification.objects.filter(kind=kinds.REPORT_APPROVED, user=people.reporter).exists()


def test_the_beat_schedule_runs_the_jobs_every_morning(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.tasks.send_report_reminders", "reports.tasks.send_review_digest"} <= tasks
    from reports import tasks as report_tasks

    assert report_tasks.send_report_reminders.name == "reports.tasks.send_report_reminders"


NAMES = {"reminders": ("reports.tasks.send_report_reminders", "plans.tasks.send_report_reminders"),
         "digest": ("reports.tasks.send_review_digest", "plans.tasks.send_review_digest")}


def test_the_tasks_answer_to_their_new_and_their_old_names():
    """The names they had in the plans app stay registered for one release: messages queued under them still run."""
    from league_portal.celery import app

    app.loader.import_default_modules()  # what a worker does on start: autodiscover every app's tasks
    assert {name for names in NAMES.values() for name in names} <= set(app.tasks)


@pytest.mark.parametrize("job, expected", [("reminders", 1), ("digest", 3)])
def test_a_message_under_the_old_name_runs_the_same_job(people, report_setup, tree, job, expected):
    from league_portal.celery import app

    app.loader.import_default_modules()
    new, old = NAMES[job]
    if job == "digest":  # a report waits for city A's admin, staff and leader
        with freeze_time("2026-06-01 09:00:00+08:00"):
            report = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
            services.save_draft(report, by=people.reporter, values={"meetings": 1})
            services.submit_report(report, by=people.reporter)
        Notification.objects.all().delete()
    with freeze_time("2026-06-02 08:00:00+08:00"):  # three days before the deadline: the reporter is reminded
        assert app.tasks[old].apply().get() == expected
        assert app.tasks[new].apply().get() == 0  # the same job: today's messages are out already
    kind = kinds.REVIEW_DIGEST if job == "digest" else kinds.REPORT_DUE_SOON
    assert Notification.objects.filter(kind=kind).count() == Notification.objects.count() == expected


def test_a_rule_applies_from_its_first_month(people, report_setup, tree):
    ReportingRule.objects.filter(pk=report_setup.rule.pk).update(since=D(2026, 6, 1))
    assert run_on("2026-06-06") == 0  # May was before the rule
    assert selectors.due_day_of(tree.branch, D(2026, 6, 1)) == 5 and selectors.due_day_of(tree.branch, D(2026, 5, 1)) is None
