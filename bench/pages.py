"""Benchmark: the main pages on a generated province (league_portal/scale.py) at the province, a city and a branch.

Run: ``make bench TIER=M`` (or ``.venv/bin/python bench/pages.py --tier M``). Uses the PostgreSQL database
``lp_bench_<tier>`` on ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432), created and filled by
``generate_scale_data`` the first time (its phase timings are appended to bench/RESULTS.md then); an explicit
DATABASE_URL overrides it. Pages are requested through Django's test Client in this process (no web server or
network): one warm-up request, then ``--requests`` timed ones; the median, the 95th percentile and the number of
queries of each go to stdout and to bench/RESULTS.md with the tier, the machine and the date.

Who looks: the province's leader (its start page is the 工作台), a city's leader, a branch's reporter (whose start
page is the reporter's; the pages a reporter may not open answer 403 and are timed as such).
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.setup import start  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--tier", default="M")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--requests", type=int, default=50)
parser.add_argument("--no-record", action="store_true", help="print only; do not append to bench/RESULTS.md")
args = parser.parse_args()
tier = args.tier.upper()
RESULTS = ROOT / "bench" / "RESULTS.md"


def ensure_database():
    """DATABASE_URL → lp_bench_<tier>, created when missing."""
    if "DATABASE_URL" in os.environ:
        return os.environ["DATABASE_URL"]
    try:
        import psycopg as driver
    except ImportError:
        import psycopg2 as driver

    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    name = f"lp_bench_{tier.lower()}"
    server = driver.connect(f"{base}/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    server.close()
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return os.environ["DATABASE_URL"]


def machine():
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    return f"{cores} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def record(text):
    print(text)
    if not args.no_record:
        with RESULTS.open("a") as results:
            results.write(text + "\n")


url = ensure_database()
os.environ["DEBUG"] = "false"  # production settings: no query log, no debug pages
start()
import logging  # noqa: E402

logging.disable(logging.WARNING)  # the 403s of a reporter's requests are expected
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessment.choices import RunStatus  # noqa: E402
from assessment.models import AssessmentRun, AssessmentScheme  # noqa: E402
from league_portal import scale  # noqa: E402
from orgs.choices import Level, Role  # noqa: E402
from orgs.models import Organization, RoleAssignment  # noqa: E402
from plans.models import Assignment, Plan, WorkPoint  # noqa: E402

today = datetime.date.today()
if not Organization.objects.exists():
    report = scale.generate(tier, seed=args.seed)
    lines = [f"\n## Generated province, tier {tier} — `generate_scale_data --tier {tier} --seed {args.seed}` ({today})\n",
             f"Machine: {machine()}; {connection.vendor} ({connection.settings_dict['NAME']}).\n",
             "| phase | time | rows |", "|---|---|---|"]
    for name, seconds, rows in report.phases:
        lines.append(f"| {name} | {seconds:.1f} s | {', '.join(f'{n:,} {what}' for what, n in rows.items())} |")
    lines.append(f"| **total** | **{report.seconds:.1f} s** | |")
    record("\n".join(lines))

province = Organization.objects.get(depth=1, level=Level.PROVINCE)
plan = Plan.objects.filter(organization=province).order_by("-year").first()
year = plan.year
scheme = AssessmentScheme.objects.filter(organization=province, year=year).first()
run = scheme.runs.filter(status=RunStatus.PUBLISHED).order_by("-month").first()
User = get_user_model()


def holder(role, level):
    return RoleAssignment.objects.filter(role=role, organization__level=level).select_related("user", "organization").first()


who = [("province", holder(Role.LEADER, Level.PROVINCE)), ("city", holder(Role.LEADER, Level.CITY)),
       ("branch", holder(Role.REPORTER, Level.GRASSROOTS))]
# the work point page of the point handed down furthest (its children list is the longest)
deepest = Assignment.objects.filter(plan=plan, organization__level=Level.GRASSROOTS, target__isnull=False).first()
point = WorkPoint.objects.get(pk=deepest.point_id)
counts = (f"{Organization.objects.count():,} organisations, {Assignment.objects.count():,} assignments, "
          f"{AssessmentRun.objects.count()} runs")
pages = [("start page", "/"), ("dashboard", "/dashboard/{code}/?year={year}"), ("plan page", "/plans/{plan}/"),
         ("work point page", "/plans/points/{point}/"), ("report grid", "/reports/grid/?year={year}"),
         ("score table", "/assessment/runs/{run}/")]

lines = [f"\n## Pages, tier {tier} — `bench/pages.py --tier {tier}` ({today})\n",
         f"Machine: {machine()}; {connection.vendor} ({connection.settings_dict['NAME']}); {counts}. "
         f"Django test Client in-process, {args.requests} requests after one warm-up; times in ms.\n",
         "| scope (user) | page | status | queries | median | p95 |", "|---|---|---|---|---|---|"]
slowest = []
for scope, assignment in who:
    client = Client()
    client.force_login(assignment.user)
    client.get("/")
    for label, pattern in pages:
        path = pattern.format(code=assignment.organization.code, year=year, plan=plan.pk, point=point.pk, run=run.pk)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code  # the warm-up, counted
        query_count = len(queries)  # now: the next request empties the query log this slices
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
        line = f"| {scope} ({assignment.user.username}) | {label} `{path}` | {status} | {query_count} | {median:.0f} | {p95:.0f} |"
        print(line, flush=True)
        lines.append(line)
        slowest.append((median, scope, label, status))
top = sorted(slowest, reverse=True)[:3]
lines.append("\nSlowest (median): " + "; ".join(f"{label} at the {scope} {m:.0f} ms" for m, scope, label, _s in top) + ".")
record("\n".join(lines[:4]) + "\n" + "\n".join(lines[4:]))
