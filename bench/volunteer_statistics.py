"""Benchmark: volunteer statistics of a city's subtree.

Run: DATABASE_URL=postgres://… .venv/bin/python bench/volunteer_statistics.py [--branches 1000] [--volunteers 20000]
[--records 200000] (a throwaway SQLite file without DATABASE_URL). Builds the benchmark tree (bench/tree.py), then in
one city — its counties and branches — bulk-inserts volunteers (60 % league members, some left, some moved) and
confirmed service records over the last fourteen months, and times: a full refresh of the city's subtree (and the
organisations above it) for thirteen months, the same for every month since the first record, a refresh after one
confirmed record at a branch (its chain from that month on), and the statistics page of the city. Numbers go into
bench/RESULTS.md.
"""
import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.setup import start, timed, timed_get  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--branches", type=int, default=1000)
parser.add_argument("--volunteers", type=int, default=20000)
parser.add_argument("--records", type=int, default=200000)
args = parser.parse_args()
start()
import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.tree import build_tree  # noqa: E402
from core.months import month_start  # noqa: E402
from orgs.choices import Level  # noqa: E402
from orgs.models import Organization  # noqa: E402
from volunteers import statistics  # noqa: E402
from volunteers.choices import PoliticalStatus, RecordStatus, VolunteerStatus  # noqa: E402
from volunteers.models import Activity, ServiceRecord, Volunteer, VolunteerMove, VolunteerStatistic  # noqa: E402

rng = random.Random(12)
today = timezone.localdate()
province = build_tree(args.branches)
city = Organization.objects.get(code="C0")
branches = list(Organization.objects.filter(path__startswith=city.path, level=Level.GRASSROOTS))
print(f"organisations: {Organization.objects.count()}, in the city: "
      f"{Organization.objects.filter(path__startswith=city.path).count()} ({len(branches)} branches)")

with transaction.atomic():
    statuses = [PoliticalStatus.LEAGUE_MEMBER] * 6 + [PoliticalStatus.YOUTH] * 3 + [PoliticalStatus.PARTY_MEMBER]
    volunteers = []
    for i in range(args.volunteers):
        left = rng.random() < 0.05
        volunteers.append(Volunteer(
            organization=rng.choice(branches), name=f"志愿者{i}", registered_on=today - datetime.timedelta(days=rng.randint(0, 900)),
            political_status=rng.choice(statuses), status=VolunteerStatus.LEFT if left else VolunteerStatus.ACTIVE,
            left_on=today - datetime.timedelta(days=rng.randint(0, 200)) if left else None, star=rng.choice([0, 0, 0, 1, 2])))
    Volunteer.objects.bulk_create(volunteers, batch_size=5000)
    now = timezone.now()
    VolunteerMove.objects.bulk_create([
        VolunteerMove(volunteer=v, old_organization=rng.choice(branches), new_organization_id=v.organization_id,
                      reason="调动", moved_at=now - datetime.timedelta(days=rng.randint(1, 300)))
        for v in rng.sample(volunteers, len(volunteers) // 50)])
    start_day = today - datetime.timedelta(days=420)
    activities = Activity.objects.bulk_create([
        Activity(organization=city, title=f"活动{a}", starts_at=now - datetime.timedelta(days=425),
                 ends_at=now + datetime.timedelta(days=1)) for a in range(40)])
    per_volunteer = max(args.records // len(volunteers), 1)
    records = []
    for v in volunteers:
        days = rng.sample(range(421), per_volunteer)
        for day in days:
            records.append(ServiceRecord(
                volunteer=v, activity=rng.choice(activities), organization_id=v.organization_id,
                date=start_day + datetime.timedelta(days=day), hours=Decimal(rng.choice([2, 3, 4, 4, 6, 8])),
                status=RecordStatus.CONFIRMED if rng.random() < 0.9 else RecordStatus.PENDING))
    ServiceRecord.objects.bulk_create(records, batch_size=10000)
print(f"volunteers: {Volunteer.objects.count()}, moves: {VolunteerMove.objects.count()}, "
      f"records: {ServiceRecord.objects.count()} ({ServiceRecord.objects.confirmed().count()} confirmed)")
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum keeps them in production
        cursor.execute("ANALYZE")

recent = statistics.recent_months(13, today)
timed("full refresh of the city's subtree and above, 13 months (rows)", lambda: statistics.refresh_subtree(city, recent))
timed("again (rows updated in place)", lambda: statistics.refresh_subtree(city, recent))
everything = statistics.months_between(statistics.first_month(city), today)
timed(f"full refresh of the city's subtree, every month since the first registration ({len(everything)} months)",
      lambda: statistics.refresh_subtree(city, everything))
branch = branches[len(branches) // 2]
record = ServiceRecord.objects.filter(organization=branch, status=RecordStatus.PENDING).order_by("date").first()
ServiceRecord.objects.filter(pk=record.pk).update(status=RecordStatus.CONFIRMED)
print(f"one record confirmed at a branch, dated {record.date} ({len(statistics.months_between(record.date, today))} months to now)")
timed("refresh after one record (the branch and the 3 above it, those months)",
      lambda: statistics.refresh_organizations([branch.pk], record.date))
timed("refresh after one record this month", lambda: statistics.refresh_organizations([branch.pk], month_start(today)))
print(f"statistics rows: {VolunteerStatistic.objects.count()}")

user = get_user_model().objects.create_superuser("bench", password="bench-password-1")
client = Client()
client.force_login(user)
client.get("/")  # warm-up
for url in [f"/volunteers/statistics/?org={city.code}", f"/volunteers/statistics/data/?org={city.code}",
            f"/volunteers/statistics/?org={province.code}&sort=-hours"]:
    timed_get(client, url)
