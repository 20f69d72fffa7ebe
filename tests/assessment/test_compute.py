"""Monthly assessment computed end to end: hand-computed points, ties, missing reports, an empty group,
idempotency and crash-retry, versions after publication, appeals, and who may see what (the rules
alone are in test_rules.py)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from assessment import compute, services
from assessment.choices import RunStatus
from assessment.models import AssessmentScheme, Score, ScoreItem
from tests.assessment.scoring import MAY, compute_may
from tests.factories import OrganizationFactory

D = datetime.date


# --- a month computed end to end --------------------------------------------------------------


def rows(run):
    return sorted(Score.objects.filter(run=run).values_list("organization__code", "total", "rank", "grade", "bonus",
                                                             "deduction"))


def items(run):
    return sorted(ScoreItem.objects.filter(score__run=run).values_list(
        "score__organization__code", "indicator__name", "raw", "points", "explanation"), key=str)


def test_a_month_is_scored_as_computed_by_hand(month_data, people, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.PROVISIONAL
    assert rows(run) == [("A1a", Decimal("61.00"), 1, "pass", Decimal("10.00"), Decimal("2.00")),
                         ("B1", Decimal("24.00"), 3, "fail", Decimal("0.00"), Decimal("20.00")),
                         ("C1", Decimal("30.00"), 2, "fail", Decimal("0.00"), Decimal("0.00"))]
    a = Score.objects.get(run=run, organization=month_data.a)
    by_name = {i.indicator.name if i.indicator else i.explanation[:2]: i for i in a.items.select_related("indicator")}
    assert by_name["任务完成"].points == 15 and "50%" in by_name["任务完成"].explanation
    assert by_name["月报"].points == 10 and by_name["青年大学习"].points == 20 and by_name["日常评价"].points == 8
    assert "台账规范" in by_name["日常评价"].explanation
    assert by_name["加分"].points == 10 and "上限" in by_name["加分"].explanation
    assert by_name["扣分"].points == -2
    c = Score.objects.get(run=run, organization=month_data.c)
    assert "未报" in c.items.get(indicator=month_data.leaves.reporting).explanation


def test_equal_totals_share_a_rank(month_data, people, django_capture_on_commit_callbacks, tree):
    OrganizationFactory(parent=tree.district, name="一区丁团支部", code="D1")  # scored like C1: 30
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert [(code, rank) for code, _t, rank, *_ in rows(run)] == [("A1a", 1), ("B1", 4), ("C1", 2), ("D1", 2)]


def test_an_empty_group_gives_an_empty_run(tree, people, django_capture_on_commit_callbacks):
    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="空", levels=["province"])
    run = compute_may(scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.PROVISIONAL and not run.scores.exists()


def test_computing_again_writes_identical_rows(month_data, people, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    first_rows, first_items = rows(run), items(run)
    again = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert again.pk == run.pk and rows(again) == first_rows and items(again) == first_items


def test_a_crash_midway_leaves_the_last_rows_and_a_retry_writes_the_same(month_data, people, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    expected_rows, expected_items = rows(run), items(run)
    original = compute.insert_rows

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(compute, "insert_rows", crash)  # the items are written last
    with pytest.raises(RuntimeError):
        compute.compute(run.pk)
    assert rows(run) == expected_rows and items(run) == expected_items  # the half-written rows were rolled back
    monkeypatch.setattr(compute, "insert_rows", original)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        compute.compute(run.pk)
    assert rows(run) == expected_rows and items(run) == expected_items


def test_the_task_marks_a_failed_run_and_a_recompute_recovers(month_data, people, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    from assessment.tasks import compute_scores

    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    run.status = RunStatus.COMPUTING
    run.save()
    monkeypatch.setattr(compute, "gather", lambda *a: (_ for _ in ()).throw(RuntimeError("database gone")))
    with pytest.raises(RuntimeError):
        compute_scores.apply(args=[run.pk]).get()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "database gone" in run.error
    monkeypatch.undo()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.PROVISIONAL and len(rows(run)) == 3


def test_publishing_freezes_and_a_recompute_makes_a_new_version(month_data, people, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.publish(run, by=people.assessor)
    with pytest.raises(ValidationError):
        compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)  # no reason
    services.set_manual_points(month_data.leaves.manual, month_data.c, MAY, by=people.assessor, points_given=10,
                               comment="补评")
    second = compute_may(month_data.scheme, people.assessor, reason="补录日常评价", callbacks=django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert second.version == 2 and second.reason == "补录日常评价" and second.requested_by == people.assessor
    assert run.status == RunStatus.PUBLISHED and rows(run)[2][1] == Decimal("30.00")  # the old version is untouched
    assert rows(second)[2][1] == Decimal("40.00")
    services.publish(second, by=people.assessor)
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED and run.scores.count() == 3


def test_change_from_last_month_and_year_to_date(month_data, people, django_capture_on_commit_callbacks, tree):
    may = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.publish(may, by=people.assessor)
    with freeze_time("2026-07-10 09:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        june = services.request_computation(month_data.scheme, D(2026, 6, 1), by=people.assessor)
    c_june = Score.objects.get(run=june, organization=month_data.c)  # June: no report, no targets → 30 again
    assert c_june.total == 30 and c_june.change == 0 and c_june.ytd_total == 60 and c_june.ytd_average == 30
    a_june = Score.objects.get(run=june, organization=month_data.a)  # June: targets 15, nothing else → 15
    assert a_june.total == 15 and a_june.change == -46 and a_june.ytd_total == 76 and a_june.ytd_average == 38


def test_appeals_are_filed_decided_and_recorded(month_data, people, django_capture_on_commit_callbacks, tree):
    month_data.scheme.appeal_days = 3
    month_data.scheme.save()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.file_appeal(run, tree.branch, by=people.reporter, reason="漏计")  # not open yet
    with freeze_time("2026-06-10 09:00:00+08:00"):
        run = services.open_appeals(run, by=people.assessor)
        assert run.appeal_until == D(2026, 6, 13)
        appeal = services.file_appeal(run, tree.branch, by=people.reporter, reason="团课次数漏计")
        with pytest.raises(ValidationError):
            services.file_appeal(run, tree.branch, by=people.reporter, reason="再次")
        with pytest.raises(PermissionDenied):
            services.file_appeal(run, tree.other_branch, by=people.outsider, reason="不属于本考核")
        with pytest.raises(ValidationError):
            services.publish(run, by=people.assessor)  # an appeal is pending
        with pytest.raises(PermissionDenied):
            services.decide_appeal(appeal, by=people.reporter, accept=True, decision="自己批准")
        with django_capture_on_commit_callbacks(execute=True):
            services.decide_appeal(appeal, by=people.assessor, accept=True, decision="核实团课记录，加3分", adjustment=3)
    run.refresh_from_db()
    a = Score.objects.get(run=run, organization=tree.branch)
    assert run.status == RunStatus.APPEAL and a.total == 64
    assert a.items.filter(indicator=None, explanation__contains="核实团课记录").exists()
    with freeze_time("2026-06-14 09:00:00+08:00"):
        with pytest.raises(ValidationError):
            services.file_appeal(run, month_data.c, by=people.staff, reason="晚了")  # the window is closed
        services.publish(run, by=people.assessor)


def test_only_assessors_of_the_issuer_compute_and_enter_points(month_data, people, tree):
    for user in (people.reporter, people.staff, people.leader, people.outsider):
        with pytest.raises(PermissionDenied):
            services.request_computation(month_data.scheme, MAY, by=user)
        with pytest.raises(PermissionDenied):
            services.add_adjustment(month_data.scheme, tree.branch, MAY, by=user, kind="bonus", points_given=1, reason="x")
    with pytest.raises(ValidationError):
        services.set_manual_points(month_data.leaves.manual, tree.branch, MAY, by=people.assessor, points_given=11,
                                   comment="超出")
    with pytest.raises(ValidationError):
        services.set_manual_points(month_data.leaves.targets, tree.branch, MAY, by=people.assessor, points_given=1,
                                   comment="非人工指标")
    with pytest.raises(ValidationError):
        services.add_adjustment(month_data.scheme, tree.other_branch, MAY, by=people.assessor, kind="bonus",
                                points_given=1, reason="组外")


def test_provisional_scores_are_for_assessors_published_for_everyone_in_reach(month_data, people,
                                                                             django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert Score.objects.restrict(people.assessor).filter(run=run).count() == 3
    assert not Score.objects.restrict(people.reporter).filter(run=run).exists()
    assert not Score.objects.restrict(people.leader).filter(run=run).exists()
    services.publish(run, by=people.assessor)
    assert list(Score.objects.restrict(people.reporter).filter(run=run).values_list("organization__code", flat=True)) == ["A1a"]
    assert Score.objects.restrict(people.leader).filter(run=run).count() == 3
    assert not Score.objects.restrict(people.outsider).filter(run=run).exists()


def test_the_ready_scheme_has_two_levels_and_a_hundred_points(tree, people):
    scheme = services.install_default_scheme(tree.city_a, 2026, by=people.assessor)
    top = scheme.indicators.filter(parent=None)
    assert scheme.max_total == 100 and top.count() == 3
    for parent in top:
        assert sum(c.max_points for c in parent.children.all()) == parent.max_points
        for child in parent.children.all():
            services.check_indicator(child)


def test_beat_starts_last_months_computation_on_the_compute_day(month_data, people, django_capture_on_commit_callbacks):
    from assessment.tasks import compute_due_assessments

    month_data.scheme.compute_day = 8
    month_data.scheme.save()
    with freeze_time("2026-06-07 06:30:00+08:00"):
        assert compute_due_assessments() == []
    with freeze_time("2026-06-08 06:30:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        (run_id,) = compute_due_assessments()
    with freeze_time("2026-06-08 07:30:00+08:00"):
        assert compute_due_assessments() == []  # once
    assert Score.objects.filter(run_id=run_id).count() == 3


def test_the_computation_takes_the_same_number_of_queries_for_a_larger_group(month_data, people, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import AssessmentRun

    run = AssessmentRun.objects.create(scheme=month_data.scheme, month=MAY)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        compute.compute(run.pk)  # the first time there are no rows to update
    run.status = "computing"
    run.save()
    with freeze_time("2026-06-10 09:00:00+08:00"), CaptureQueriesContext(connection) as small:
        compute.compute(run.pk)
    for i in range(10):
        OrganizationFactory(parent=tree.district, name=f"新支部{i}", code=f"N{i}")
    with freeze_time("2026-06-10 09:00:00+08:00"):
        compute.compute(run.pk)  # the new organisations' rows are created once, then updated in place
    run.status = "computing"
    run.save()
    with freeze_time("2026-06-10 09:00:00+08:00"), CaptureQueriesContext(connection) as large:
        compute.compute(run.pk)
    assert run.scores.count() == 13 and len(large) == len(small)


def test_published_scores_keep_their_indicators(month_data, people, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    leaf = month_data.leaves.study
    leaf.max_points = 30
    services.save_indicator(leaf, by=people.assessor)  # nothing is published yet: free to change
    services.publish(run, by=people.assessor)
    leaf.max_points = 25
    with pytest.raises(ValidationError):
        services.save_indicator(leaf, by=people.assessor)
    leaf.refresh_from_db()
    leaf.standard = "参学率达到80%得满分"
    services.save_indicator(leaf, by=people.assessor)  # the wording may change
    with pytest.raises(ValidationError):
        services.delete_indicator(leaf, by=people.assessor)
    with pytest.raises(ValidationError):
        services.delete_indicator(leaf.parent, by=people.assessor)
    with pytest.raises(ValidationError):
        services.delete_scheme(month_data.scheme, by=people.assessor)
    assert ScoreItem.objects.filter(indicator=leaf).count() == 3
