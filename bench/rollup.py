"""Benchmark: roll-up refresh and plan pages on a large tree.

Run: .venv/bin/python bench/rollup.py [--branches 3000] (uses DATABASE_URL; a throwaway SQLite
file by default). Builds one province → cities → counties → branches, a plan with targets handed
down to every branch, one entry per branch, then times an incremental refresh of one target, a
full rebuild, and counts the queries of the plan page. Numbers go into bench/RESULTS.md.
"""
import argparse
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.setup import start, timed, timed_get  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--branches", type=int, default=3000)
parser.add_argument("--targets", type=int, default=5)
parser.add_argument("--slow-ms", type=float, default=0, help="print the queries of a page slower than this")
args = parser.parse_args()
start()
import datetime  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench.tree import build_tree  # noqa: E402
from orgs.choices import Level  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.permissions import SYSTEM  # noqa: E402
from plans import rollups, services  # noqa: E402
from plans.models import Assignment, ProgressEntry  # noqa: E402

province = build_tree(args.branches)
print(f"organisations: {Organization.objects.count()}")

with transaction.atomic():
    plan = services.create_plan(by=SYSTEM, organization=province, year=datetime.date.today().year, title="基准计划")
    section = services.add_section(plan, by=SYSTEM, title="一")
    branches = list(Organization.objects.filter(level=Level.GRASSROOTS))
    for t in range(args.targets):
        point = services.add_point(section, by=SYSTEM, title=f"要点{t}")
        target = services.add_target(point, by=SYSTEM, metric="活动", value=Decimal(len(branches) * 10))
        root = Assignment.objects.get(target=target, parent=None)
        services.decompose(root, [(b, Decimal(10), None) for b in branches], by=SYSTEM)
    assignments = list(Assignment.objects.filter(organization__level=Level.GRASSROOTS))
    ProgressEntry.objects.bulk_create(
        [ProgressEntry(assignment=a, point_id=a.point_id, reported_on=datetime.date.today(), value=Decimal(a.pk % 12)) for a in assignments]
    )
print(f"assignments: {Assignment.objects.count()}, entries: {ProgressEntry.objects.count()}")
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them in production
        cursor.execute("ANALYZE")

timed("full rebuild (own figures + every roll-up)", rollups.rebuild)
some_target = Assignment.objects.filter(parent=None).first().target_id
ProgressEntry.objects.create(assignment=Assignment.objects.filter(target_id=some_target, organization__level=Level.GRASSROOTS).first(),
                             reported_on=datetime.date.today(), value=Decimal(99))
timed("incremental refresh of one target after one entry", lambda: rollups.refresh(target_ids=[some_target]))

user = get_user_model().objects.create_superuser("bench", password="bench-password-1")
client = Client()
client.force_login(user)
client.get("/")  # warm-up: the first request of a process loads templates and URL patterns
for url in [f"/plans/{plan.pk}/", f"/plans/points/{Assignment.objects.get(target_id=some_target, parent=None).point_id}/",
            f"/plans/assignments/{Assignment.objects.get(target_id=some_target, parent=None).pk}/children/", "/plans/tasks/"]:
    queries = timed_get(client, url)
    if args.slow_ms:
        for query in queries.captured_queries:
            if float(query["time"]) * 1000 >= args.slow_ms:
                print(f"    {float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")
