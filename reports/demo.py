"""Demo monthly reports: grassroots organisations report to the province by the 5th, and last month's reports of
城东区 stand in every state. Loaded with the demo plans (their lines are on the plans' assignments)."""
import datetime

from django.utils import timezone

from core.months import last_month
from orgs.choices import Level
from orgs.models import Organization
from orgs.permissions import SYSTEM

from . import services
from .models import MonthlyReport, ReportingRule


def load(today=None):
    """The province's reporting rule and default fields, and last month's reports of 城东区 (when last month lies in
    this year, the year of the demo plans)."""
    today = today or timezone.localdate()
    province = Organization.objects.get(code="36000000")
    month = last_month(today)
    services.save_rule(ReportingRule(organization=province, levels=[Level.GRASSROOTS], due_day=5, since=month), by=SYSTEM)
    services.install_default_fields(province, by=SYSTEM)
    if month.year != today.year:
        return
    district = Organization.objects.get(code="36010100")
    branches = list(Organization.objects.filter(path__startswith=district.path, level=Level.GRASSROOTS).order_by("path")[:12])
    values = {"general_meetings": 1, "committee_meetings": 1, "group_meetings": 2, "league_lessons": 1, "theme_days": 1,
              "new_members": 2, "dues_collected": "12.0", "study_rate": "92.5", "volunteer_activities": 1,
              "volunteer_hours": "36", "activities": 2}
    for i, branch in enumerate(branches):
        if i % 6 == 5:
            continue  # missing
        report = services.start_report(branch, month, by=SYSTEM)
        report = services.save_draft(report, by=SYSTEM, values=values, work_done="按时召开支委会，开展主题团日活动。",
                                     problems="团员流动性较大。", next_plan="组织团员参加志愿服务。")
        if i % 6 == 0:
            continue  # draft
        report = services.submit_report(report, by=SYSTEM)
        # the demo is loaded at any date: place the submission before the deadline (one two days after it)
        on_time = 2 if i % 6 == 4 else -2
        submitted_at = timezone.make_aware(datetime.datetime.combine(report.due_on + datetime.timedelta(days=on_time),
                                                                     datetime.time(10)))
        if submitted_at < timezone.now():
            MonthlyReport.objects.filter(pk=report.pk).update(submitted_at=submitted_at, days_late=max(on_time, 0))
            report.refresh_from_db()
        if i % 6 == 2:
            services.return_report(report, by=SYSTEM, reason="请补充主题团日照片。")
        elif i % 6 in (3, 4):
            services.approve_report(report, by=SYSTEM)
