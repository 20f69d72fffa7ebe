"""Demo assessment: 青川市 scores its grassroots organisations with the ready scheme; last month computed
and published (once its reports are all due: loaded in the first days of a month, the scheme waits for the
deadline). Loaded after the demo plans and reports it scores; a second run skips it."""
from django.utils import timezone

from core import months
from orgs.models import Organization
from orgs.permissions import SYSTEM

from . import compute, selectors, services
from .models import AssessmentScheme


def load(today=None):
    city = Organization.objects.get(code="36010000")
    month = months.last_month(today)
    if AssessmentScheme.objects.filter(organization=city, year=month.year).exists():
        return {"schemes": 0}
    scheme = services.install_default_scheme(city, month.year, by=SYSTEM)
    if selectors.month_is_open(scheme, month, today or timezone.localdate()):
        return {"schemes": 1}  # last month's reports are not all due yet: it is computed after the deadline
    run = services.request_computation(scheme, month, by=SYSTEM)
    manual = scheme.indicators.get(rule="manual")
    group = list(selectors.group_of(scheme)[:12])
    for i, organization in enumerate(group):
        services.set_manual_points(manual, organization, month, by=SYSTEM, points_given=6 + i % 5,
                                   comment="支部台账规范，活动记录完整。" if i % 2 else "会议记录需补充参会人数。")
    services.add_adjustment(scheme, group[0], month, by=SYSTEM, kind="bonus", points_given=5,
                            reason="获评市级“五四红旗团支部”")
    services.add_adjustment(scheme, group[5], month, by=SYSTEM, kind="deduction", points_given=3,
                            reason="团费收缴不及时")
    compute.compute(run.pk)
    services.publish(run, by=SYSTEM)
    return {"schemes": 1}
