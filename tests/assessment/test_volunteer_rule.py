"""The assessment rule on a volunteer figure against a standard: by hand on the rule alone, then a month computed
from the volunteer statistics with explanations naming the figure, its value and the standard."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment import services
from assessment.choices import RuleKind
from assessment.models import AssessmentScheme, Indicator, Score, ScoreItem
from assessment.rules import score_volunteers
from tests.assessment.scoring import MAY, compute_may
from tests.factories import OrganizationFactory
from tests.volunteers.conftest import activity_of, volunteer_of
from volunteers import statistics
from volunteers.choices import RecordStatus, VolunteerFigure
from volunteers.models import ServiceRecord
from volunteers.selectors import Figures

D = datetime.date


def indicator(mode="proportional", figure=VolunteerFigure.YEAR_HOURS_PER_VOLUNTEER, **params):
    return Indicator(name="志愿服务", max_points=Decimal(10), rule=RuleKind.VOLUNTEERS,
                     params={"figure": figure, "standard": 15, "mode": mode, **params})


def figures(registered, year_hours, members=0, registered_members=0):
    return Figures(1, MAY, registered=registered, year_hours=Decimal(year_hours), members=members,
                   registered_members=registered_members, computed=True)


@pytest.mark.parametrize(("mode", "registered", "hours", "raw", "points"), [
    ("proportional", 2, 12, Decimal(6), Decimal(4)),        # 6 h per volunteer of 15: 6/15 × 10
    ("proportional", 1, 20, Decimal(20), Decimal(10)),      # above the standard: full points, no more
    ("full", 2, 29, Decimal("14.5"), Decimal(0)),           # 14.5 < 15: nothing
    ("full", 2, 30, Decimal(15), Decimal(10)),
    ("stepped", 2, 20, Decimal(10), Decimal(6)),            # ≥10 → 6 points
])
def test_hours_per_volunteer_against_the_standard_by_hand(mode, registered, hours, raw, points):
    params = {"steps": [[15, 10], [10, 6]]} if mode == "stepped" else {}
    value, earned, text = score_volunteers(indicator(mode, **params), figures(registered, hours), MAY)
    assert (value, earned) == (raw, points)
    assert "本年人均服务时长" in text or "per volunteer" in text
    assert "15" in text and "2026-05" in text


def test_the_registered_share_is_registered_members_per_member():
    rule = indicator("full", figure=VolunteerFigure.REGISTERED_SHARE, standard=30)
    value, earned, _text = score_volunteers(rule, figures(5, 0, members=20, registered_members=6), MAY)
    assert (value, earned) == (Decimal("30.00"), Decimal(10))


def test_without_statistics_there_are_no_points():
    value, earned, text = score_volunteers(indicator(), Figures(1, MAY), MAY)
    assert (value, earned) == (None, 0)
    value, earned, _text = score_volunteers(indicator(), figures(0, 0), MAY)  # nobody registered: no ratio
    assert (value, earned) == (None, 0)


@pytest.mark.django_db
def test_a_scheme_refuses_a_volunteer_rule_without_a_known_figure(tree, people):
    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="志愿考核", levels=["grassroots"])
    top = Indicator.objects.create(scheme=scheme, name="志愿", max_points=10)
    bad = Indicator(scheme=scheme, parent=top, name="时长", max_points=10, rule=RuleKind.VOLUNTEERS,
                    params={"figure": "hours_per_cat", "standard": 15})
    with pytest.raises(ValidationError, match="hours_per_cat|figure|志愿者"):
        services.save_indicator(bad, by=people.assessor)


@pytest.mark.django_db
def test_a_month_scored_on_hours_per_volunteer(tree, people, django_capture_on_commit_callbacks):
    """A1a: 2 volunteers, 12 hours this year → 6 per volunteer → 4 points; B1: 1 volunteer, 20 hours → 10."""
    b1 = OrganizationFactory(parent=tree.district, name="一区乙团支部", code="B1")
    activity = activity_of(tree.district, first=D(2026, 1, 2), days=150)
    for organization, hours in ((tree.branch, (5, 7)), (b1, (20,))):
        people_here = [volunteer_of(organization, registered_on=D(2026, 1, 1)) for _ in range(2 if len(hours) == 2 else 1)]
        for volunteer, h in zip(people_here, hours, strict=True):
            ServiceRecord.objects.create(volunteer=volunteer, activity=activity, organization=organization,
                                         date=D(2026, 3, 3), hours=Decimal(h), status=RecordStatus.CONFIRMED)
    statistics.refresh_subtree(tree.city_a, statistics.months_between(D(2026, 1, 1), MAY))
    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="志愿考核", levels=["grassroots"])
    top = Indicator.objects.create(scheme=scheme, name="志愿", max_points=10, order=1)
    leaf = services.save_indicator(Indicator(
        scheme=scheme, parent=top, name="人均服务时长", max_points=10, rule=RuleKind.VOLUNTEERS, order=2,
        params={"figure": VolunteerFigure.YEAR_HOURS_PER_VOLUNTEER, "standard": 15, "mode": "proportional"}),
        by=people.assessor)
    run = compute_may(scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    totals = dict(Score.objects.filter(run=run).values_list("organization__code", "total"))
    assert totals == {"A1a": Decimal("4.00"), "B1": Decimal("10.00")}
    item = ScoreItem.objects.get(score__run=run, score__organization=tree.branch, indicator=leaf)
    assert item.raw == Decimal(6)
    assert "6" in item.explanation and "15" in item.explanation and "2026-05" in item.explanation
