"""Benchmark: the month-end rush. N branch reporters at once, each with an API token, submit their monthly reports
(start the month's draft, save figures, submit) and record progress on their share of a city target, through gunicorn
on 127.0.0.1 (deploy/gunicorn.conf.py) for a bounded time and number of requests. Prints throughput, median and p95
latency and the errors, then checks that every accepted write is in the database exactly once and that nothing
refused was kept.

Run: .venv/bin/python bench/rush.py [--clients 50] [--seconds 60] [--max-requests 20000]
Uses the PostgreSQL database RUSH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lp_rush, emptied and
migrated first) and REDIS_URL for the broker when set, with one Celery worker on every queue (the roll-up refreshes
the entries ask for). tests/integration/test_rush.py runs a short version (10 clients, 10 s).
"""
import argparse
import datetime
import itertools
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
YEAR_START = datetime.date(datetime.date.today().year, 1, 1)


def build_world(clients):
    """A city with ``clients`` branches, a reporter with a token at each, a reporting rule with two fields, and a
    city target handed down to every branch. Returns [(token key, branch code, assignment id)]."""
    from django.contrib.auth import get_user_model

    from accounts.services import issue_token
    from orgs.choices import Kind, Level, Role, Sector
    from orgs.models import RoleAssignment
    from orgs.permissions import SYSTEM
    from orgs.services import create_organization
    from plans import services as plans
    from plans.choices import PlanStatus
    from plans.models import Assignment
    from reports.models import ReportField, ReportingRule

    city = create_organization(by=SYSTEM, parent=None, name="冲刺市团委", code="R", level=Level.CITY,
                               kind=Kind.COMMITTEE, sector=Sector.AGENCY, member_count=10, reporting_from=YEAR_START)
    branches = [create_organization(by=SYSTEM, parent=city, name=f"冲刺第{i}团支部", code=f"R{i:03d}",
                                    level=Level.GRASSROOTS, kind=Kind.BRANCH, sector=Sector.SCHOOL, member_count=20,
                                    reporting_from=YEAR_START) for i in range(clients)]
    ReportingRule.objects.create(organization=city, levels=[Level.GRASSROOTS], due_day=5, since=YEAR_START)
    ReportField.objects.create(organization=city, key="meetings", label="支部委员会（次）", required=True, minimum=0,
                               maximum=31, order=1)
    plan = plans.create_plan(by=SYSTEM, organization=city, year=YEAR_START.year, title="冲刺市工作要点",
                             status=PlanStatus.PUBLISHED)
    point = plans.add_point(plans.add_section(plan, by=SYSTEM, title="冲刺"), by=SYSTEM, title="宣讲")
    target = plans.add_target(point, by=SYSTEM, metric="宣讲活动", value=Decimal(clients * 10), unit="场")
    root = Assignment.objects.get(target=target, parent=None)
    plans.decompose(root, [(branch, Decimal(10), None) for branch in branches], by=SYSTEM)
    world = []
    for branch in branches:
        user = get_user_model().objects.create_user(username=f"rush_{branch.code}", password="rush-only-7a1")
        RoleAssignment.objects.create(user=user, organization=branch, role=Role.REPORTER)
        _token, key = issue_token(by=user)
        world.append((key, branch.code, Assignment.objects.get(target=target, organization=branch).pk))
    return world


def rush(url, world, seconds, max_requests):
    """Every client in its own thread until the time or the request budget is spent. Returns the log:
    [(what, status, milliseconds, detail)] and the writes accepted: {"entries": {(assignment, value)},
    "reports": {(code, month)}}."""
    months = [datetime.date(YEAR_START.year, m, 1) for m in range(1, datetime.date.today().month)]
    budget = itertools.count()
    deadline = time.monotonic() + seconds
    log, accepted = [], {"entries": [], "reports": []}
    lock = threading.Lock()
    values = itertools.count(1)

    def call(session, what, path, body):
        if next(budget) >= max_requests or time.monotonic() > deadline:
            raise TimeoutError
        started = time.perf_counter()
        try:
            response = session.post(url + path, json=body, timeout=60)
            status, detail = response.status_code, response.text[:200]
        except requests.RequestException as exc:
            response, status, detail = None, 0, repr(exc)
        with lock:
            log.append((what, status, (time.perf_counter() - started) * 1000, detail))
        return response

    def client(key, code, assignment):
        session = requests.Session()
        session.headers["Authorization"] = f"Token {key}"
        pending = list(months)
        try:
            for cycle in itertools.count():
                value = next(values)
                answer = call(session, "progress", "/api/v1/progress-entries/",
                              {"assignment": assignment, "reported_on": datetime.date.today().isoformat(),
                               "value": value, "note": f"月底冲刺 {value}"})
                if answer is not None and answer.status_code == 201:
                    with lock:
                        accepted["entries"].append((assignment, value))
                if cycle % 2 or not pending:
                    continue
                month = pending.pop(0)
                answer = call(session, "report start", "/api/v1/monthly-reports/",
                              {"organization": code, "month": f"{month:%Y-%m}"})
                if answer is None or answer.status_code not in (200, 201):
                    continue
                report = answer.json()
                answer = call(session, "report draft", f"/api/v1/monthly-reports/{report['id']}/draft/",
                              {"version": report["version"], "values": {"meetings": month.month % 5},
                               "work_done": f"{month:%m}月开展主题团日"})
                if answer is None or answer.status_code != 200:
                    continue
                answer = call(session, "report submit", f"/api/v1/monthly-reports/{report['id']}/submit/",
                              {"version": answer.json()["version"]})
                if answer is not None and answer.status_code == 200:
                    with lock:
                        accepted["reports"].append((code, month))
        except TimeoutError:
            return

    threads = [threading.Thread(target=client, args=entry) for entry in world]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return log, accepted, time.monotonic() - started


def summarise(log, elapsed):
    times = sorted(ms for _what, _status, ms, _detail in log)
    errors = [(what, status, detail) for what, status, _ms, detail in log if status not in (200, 201)]
    p95 = times[max(0, int(len(times) * 0.95) - 1)] if times else 0
    return {"requests": len(log), "seconds": round(elapsed, 1), "per_second": round(len(log) / elapsed, 1),
            "median_ms": round(statistics.median(times)) if times else 0, "p95_ms": round(p95),
            "max_ms": round(times[-1]) if times else 0, "errors": len(errors), "first_errors": errors[:5]}


def verify(world, accepted):
    """Every accepted write stored exactly once, nothing else stored: the lists of problems (empty when right)."""
    from plans.models import ProgressEntry
    from reports.models import MonthlyReport

    problems = []
    assignments = [assignment for _key, _code, assignment in world]
    stored = list(ProgressEntry.objects.filter(assignment_id__in=assignments).values_list("assignment_id", "value"))
    stored = sorted((a, int(v)) for a, v in stored)
    wanted = sorted(accepted["entries"])
    if stored != wanted:
        problems.append(f"progress entries: {len(wanted)} accepted, {len(stored)} stored, "
                        f"{len(set(wanted) - set(stored))} lost, {len(stored) - len(set(stored))} duplicated, "
                        f"{len(set(stored) - set(wanted))} stored unanswered")
    codes = [code for _key, code, _assignment in world]
    submitted = sorted(MonthlyReport.objects.filter(organization__code__in=codes, status="submitted")
                       .values_list("organization__code", "month"))
    if submitted != sorted(accepted["reports"]):
        problems.append(f"reports: {len(accepted['reports'])} submitted, {len(submitted)} stored as submitted")
    per_month = MonthlyReport.objects.filter(organization__code__in=codes).values_list("organization_id", "month")
    if len(per_month) != len(set(per_month)):
        problems.append("a branch has two reports for one month")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--web-workers", type=int, default=None)
    args = parser.parse_args()

    database = os.environ.get("RUSH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lp_rush")
    server, name = database.rsplit("/", 1)
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "league_portal.settings",
           "SECRET_KEY": "rush-bench-only-4b2f", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
           "EMAIL_URL": "dummymail://", "PORT": "18741"}
    if args.web_workers:
        env["WEB_WORKERS"] = str(args.web_workers)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    world = build_world(args.clients)
    print(f"{args.clients} reporters, {len(world)} branches; gunicorn on 127.0.0.1:{env['PORT']}")
    url = f"http://127.0.0.1:{env['PORT']}"
    out = open("/tmp/rush-gunicorn.log", "w")
    web = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "-b",
                            f"127.0.0.1:{env['PORT']}", "--access-logfile", "/dev/null", "league_portal.wsgi"],
                           cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = None
    if os.environ.get("REDIS_URL"):
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "league_portal", "worker", "--pool=solo",
                                   "--loglevel=WARNING", "-Q", "celery,scoring,files,notifications,rollups"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if requests.get(f"{url}/healthz/live", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        log, accepted, elapsed = rush(url, world, args.seconds, args.max_requests)
    finally:
        web.terminate()
        web.wait(timeout=60)
        if worker:
            worker.terminate()
            worker.wait(timeout=60)
    result = summarise(log, elapsed)
    by_kind = {}
    for what, _status, ms, _detail in log:
        by_kind.setdefault(what, []).append(ms)
    print(f"requests {result['requests']} in {result['seconds']} s: {result['per_second']}/s; median "
          f"{result['median_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms; errors {result['errors']}")
    for what, times in sorted(by_kind.items()):
        times.sort()
        print(f"  {what}: {len(times)}, median {statistics.median(times):.0f} ms, "
              f"p95 {times[max(0, int(len(times) * 0.95) - 1)]:.0f} ms")
    if result["first_errors"]:
        print("first errors:", result["first_errors"])
    problems = verify(world, accepted)
    print(f"accepted: {len(accepted['entries'])} progress entries, {len(accepted['reports'])} reports submitted")
    print("stored exactly once, nothing lost or duplicated" if not problems else "PROBLEMS: " + "; ".join(problems))


if __name__ == "__main__":
    main()
