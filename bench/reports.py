"""Benchmark: the monthly report reads on a large tree — the reviewers' grid, the month's export,
the morning reminders and digest.

Run: .venv/bin/python bench/reports.py [--branches 3000] (uses DATABASE_URL; a throwaway SQLite
file by default). Builds one province → 10 cities → 100 counties → branches, a province rule for
every branch since January, and reports for every branch and month of the year before this one
in a mix of states (some missing). Numbers go into bench/RESULTS.md.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.setup import start, timed, timed_get  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--branches", type=int, default=3000)
args = parser.parse_args()
start()
import datetime  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.tree import build_tree  # noqa: E402
from core.months import due_date  # noqa: E402
from orgs.choices import Level, Role  # noqa: E402
from orgs.models import Organization, RoleAssignment  # noqa: E402
from orgs.permissions import SYSTEM  # noqa: E402
from reports import reminders, selectors, services  # noqa: E402
from reports.models import MonthlyReport, ReportingRule  # noqa: E402

province = timed("tree", lambda: build_tree(args.branches))
today = timezone.localdate()
year = today.year
months = [datetime.date(year, m, 1) for m in range(1, today.month)]
ReportingRule.objects.create(organization=province, levels=[Level.GRASSROOTS], due_day=5, since=datetime.date(year, 1, 1))
services.install_default_fields(province, by=SYSTEM)
branches = list(Organization.objects.filter(level=Level.GRASSROOTS).order_by("path"))
states = ["approved"] * 6 + ["submitted", "returned", "draft"]
reports = []
for m, month in enumerate(months):
    for i, branch in enumerate(branches):
        if (i + m) % 10 == 9:
            continue  # missing
        status = states[(i + m) % len(states)]
        due_on = due_date(month)
        reports.append(MonthlyReport(
            organization=branch, month=month, status=status, due_on=due_on, days_late=(i % 7 == 0) * 2,
            submitted_at=None if status == "draft" else timezone.make_aware(datetime.datetime.combine(due_on, datetime.time(9))),
            values={"committee_meetings": 1, "study_rate": "90"}))
MonthlyReport.objects.bulk_create(reports, batch_size=2000)
print(f"organisations: {Organization.objects.count()}, reports: {MonthlyReport.objects.count()}")
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

User = get_user_model()
root = User.objects.create_superuser("bench", password="bench-password-1")
city_staff = User.objects.create_user("city_staff", password="bench-password-1")
RoleAssignment.objects.create(user=city_staff, organization=Organization.objects.get(code="C0"), role=Role.STAFF)
county_staff = User.objects.create_user("county_staff", password="bench-password-1")
RoleAssignment.objects.create(user=county_staff, organization=Organization.objects.get(code="K0-0"), role=Role.STAFF)

reporters = User.objects.bulk_create([User(username=f"r{b.pk}", email=f"r{b.pk}@example.org") for b in branches])
RoleAssignment.objects.bulk_create([RoleAssignment(user=u, organization=b, role=Role.REPORTER) for u, b in zip(reporters, branches)])

last = months[-1] if months else datetime.date(year, 1, 1)
for user in (root, city_staff, county_staff):
    client = Client()
    client.force_login(user)
    client.get("/")  # warm-up
    for url in [f"/reports/grid/?year={year}", f"/reports/grid/?year={year}&month={last:%Y-%m}&state=missing",
                f"/reports/export.xlsx?month={last:%Y-%m}", "/reports/"]:
        timed_get(client, url, user.username)

day = today.replace(day=max(today.day, 6))  # after the 5th: every report not in is missing
print("organisations that must report:", selectors.obligated(month=last).count())
timed("morning reminders (send_report_reminders), e-mail included", lambda: reminders.send_report_reminders(day))
timed("the same again (nothing sent twice)", lambda: reminders.send_report_reminders(day))
timed("reviewers' digest (send_review_digest)", lambda: reminders.send_review_digest(day))

# --- the monthly assessment of every branch of the province ---------------------------------------
from assessment import compute, services  # noqa: E402
from assessment.models import AssessmentRun  # noqa: E402

scheme = services.install_default_scheme(province, last.year, by=SYSTEM)
run = AssessmentRun.objects.create(scheme=scheme, month=last)
with CaptureQueriesContext(connection) as queries:
    timed("assessment: compute a month for every branch (first time)", lambda: compute.compute(run.pk))
print(f"  queries: {len(queries)}")
AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
with CaptureQueriesContext(connection) as queries:
    timed("assessment: compute again (rows replaced, identical)", lambda: compute.compute(run.pk))
print(f"  queries: {len(queries)}")
from assessment import sheets  # noqa: E402

content = timed("assessment: 考核评分表 of the month (write-only openpyxl)", lambda: len(sheets.month_workbook(run)))
client = Client()
client.force_login(root)
for url in [f"/assessment/runs/{run.pk}/", f"/assessment/runs/{run.pk}/?grade=fail&ordering=-total",
            f"/assessment/scores/{run.scores.order_by('rank').first().pk}/"]:
    timed_get(client, url, "bench")
