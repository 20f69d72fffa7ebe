"""The scoring rules alone: pure functions given unsaved objects and plain values. No test here may touch
the database (none asks for it, and pytest-django refuses a query without it)."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from assessment import rules
from assessment.choices import GradeMode
from assessment.models import AssessmentScheme, Indicator
from reports.models import MonthlyReport
from tests.assessment.scoring import MAY


def indicator(max_points, rule="", **params):
    return Indicator(name="指标", max_points=Decimal(max_points), rule=rule, params=params)


def task(completion, expected=None, key=False):
    return {"completion": None if completion is None else Decimal(str(completion)),
            "expected": None if expected is None else Decimal(str(expected)), "point__is_key": key,
            "actual_value": Decimal(1), "assigned_value": Decimal(2), "target__metric": "宣讲", "target__unit": "场"}


def test_targets_weighted_by_key_points_and_capped_at_complete():
    rule = indicator(30, "targets", key_weight=2)
    raw, earned, text = rules.score_targets(rule, [task("0.5", key=True), task("1.4"), task(None)])
    # (0.5×2 + 1×1 + 0×1) / 4 = 0.5
    assert (raw, earned) == (Decimal(50), Decimal(15)) and "3" in text and "重点" in text


def test_targets_against_expected_progress():
    rule = indicator(20, "targets", against_expected=True)
    raw, earned, _text = rules.score_targets(rule, [task("0.3", expected="0.6"), task("0.8", expected="0.5"),
                                                    task("0.1", expected="0")])
    assert earned == Decimal(20) * (Decimal("0.5") + 1 + 1) / 3


def test_no_targets_gives_full_or_zero_as_configured():
    assert rules.score_targets(indicator(30, "targets"), [])[1] == 30
    assert rules.score_targets(indicator(30, "targets", none="zero"), [])[1] == 0


def report(status="approved", days_late=0, **values):
    return MonthlyReport(month=MAY, status=status, days_late=days_late, values=values)


@pytest.mark.parametrize("the_report, expected", [
    (report("approved"), 10), (report("submitted"), 8), (report("submitted", 2), 4), (report("returned", 9), 0),
    (report("draft"), 0), (None, 0),
])
def test_reporting_points(the_report, expected):
    rule = indicator(10, "reporting", submitted=6, on_time=2, approved=2, per_day_late=1)
    assert rules.score_reporting(rule, the_report)[1] == expected


@pytest.mark.parametrize("params, value, expected", [
    ({"mode": "full", "standard": 1}, 1, 10), ({"mode": "full", "standard": 1}, 0, 0),
    ({"mode": "proportional", "standard": 80}, 40, 5), ({"mode": "proportional", "standard": 80}, 120, 10),
    ({"mode": "stepped", "steps": [[2, 10], [1, 6]]}, 3, 10), ({"mode": "stepped", "steps": [[2, 10], [1, 6]]}, 1, 6),
    ({"mode": "stepped", "steps": [[2, 10], [1, 6]]}, 0, 0),
])
def test_report_field_against_a_standard(params, value, expected):
    rule = indicator(10, "report_field", field="x", **params)
    assert rules.score_field(rule, report(x=value))[1] == expected


def test_a_report_field_counts_only_from_a_submitted_or_approved_report():
    rule = indicator(10, "report_field", field="x", standard=1)
    assert rules.score_field(rule, report("draft", x=5))[1] == 0
    assert rules.score_field(rule, report("returned", x=5))[1] == 0
    assert rules.score_field(rule, None)[1] == 0


def test_ranks_share_places_on_ties():
    assert rules.ranks({"a": 90, "b": 95, "c": 90, "d": 80}) == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert rules.ranks({}) == {}


def test_grades_by_threshold_and_by_share():
    scheme = AssessmentScheme(thresholds={"excellent": 90, "good": 80, "pass": 60})
    assert [rules.grade(scheme, Decimal(t), 1, 10) for t in (95, 85, 60, 59)] == ["excellent", "good", "pass", "fail"]
    scheme = AssessmentScheme(grade_mode=GradeMode.SHARE, thresholds={"excellent": 90, "good": 80, "pass": 60},
                              shares={"excellent": 20, "good": 30})
    # 10 organisations: ranks 1–2 优秀, 3–5 良好, the rest 合格 unless under 60
    assert [rules.grade(scheme, Decimal(70), r, 10) for r in (1, 2, 3, 5, 6)] == ["excellent", "excellent", "good",
                                                                                 "good", "pass"]
    assert rules.grade(scheme, Decimal(50), 1, 10) == "fail"


def test_manual_points_are_capped_at_the_maximum_and_say_who_gave_them():
    entry = SimpleNamespace(points=Decimal(12), comment="台账规范", entered_by=User(username="assessor_a"))
    raw, earned, text = rules.score_manual(indicator(10, "manual"), entry)
    assert (raw, earned) == (Decimal(12), Decimal(10)) and "assessor_a" in text and "台账规范" in text
    assert rules.score_manual(indicator(10, "manual"), None)[1] == 0


def test_bonuses_are_capped_and_the_explanation_says_so():
    entries = [SimpleNamespace(points=Decimal(5), reason="获奖"), SimpleNamespace(points=Decimal(8), reason="表彰")]
    assert rules.capped(entries, Decimal(10)) == 10 and rules.capped(entries, None) == 13
    text = rules.adjustment_text(entries, Decimal(10), "加分")
    assert text.startswith("加分：获奖 5；表彰 8") and "10" in text.removeprefix("加分：获奖 5；表彰 8")
    assert rules.adjustment_text(entries, None, "加分") == "加分：获奖 5；表彰 8"


def test_points_round_half_up_and_numbers_read_as_written():
    assert rules.points("85.555") == Decimal("85.56") and rules.points(Decimal("0.005")) == Decimal("0.01")
    assert (rules.fmt(Decimal("85.50")), rules.fmt(10), rules.fmt("0.10")) == ("85.5", "10", "0.1")
