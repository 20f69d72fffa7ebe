"""Benchmark: the province's batch jobs, each next to its floor measured in the same run (issue 15).

Run on a generated province (``manage.py generate_scale_data --tier M``) with DATABASE_URL set to a copy of it:
    .venv/bin/python bench/jobs.py rollup|scoring|sheet [--repeat N]
Each portal measurement runs in a fresh process (``_child``) so that its peak RSS is its own; the floor runs in the
parent. Every job also checks that the portal and the floor computed the same figures, row by row. The load of the
shared machine (``uptime``) is printed with each measurement.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.setup import start  # noqa: E402

ROLLUP = ("own_value", "actual_value", "completion", "expected", "light")
RESET = ("UPDATE plans_assignment SET own_value = NULL, own_value_on = NULL, last_progress_at = NULL, "
         "actual_value = NULL, completion = NULL, expected = NULL, light = 'not_started', rolled_up_at = NULL "
         "WHERE target_id IS NULL OR target_id NOT IN (SELECT id FROM plans_target WHERE volunteer_figure <> '')")


def load():
    return os.getloadavg()[0]


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(job, *args):
    """Run ``bench/jobs.py _child JOB ARGS`` in a fresh process; its last line is a JSON result."""
    out = subprocess.run([sys.executable, __file__, "_child", job, *args], capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "REDIS_URL"})
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def figures():
    from plans.models import Assignment

    return {pk: rest for pk, *rest in Assignment.objects.values_list("pk", *ROLLUP).iterator(chunk_size=20000)}


# --- roll-up ------------------------------------------------------------------------------------------------------


def rollup_child(on):
    import datetime

    from django.db import connection

    from plans import rollups

    with connection.cursor() as cursor:
        cursor.execute(RESET)
    before = peak_mb()
    started = time.perf_counter()
    changed = rollups.rebuild(on=datetime.date.fromisoformat(on))
    return {"seconds": time.perf_counter() - started, "changed": changed, "peak_mb": peak_mb(), "before_mb": before}


def entry_child(count):
    """Record ``count`` entries on deep assignments, each followed by its refresh (Celery eager, in-process)."""
    import datetime
    import random
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orgs.permissions import SYSTEM
    from plans import rollups, services
    from plans.models import Assignment

    deepest = Assignment.objects.filter(target__isnull=False, target__volunteer_figure="", plan__status="published")
    depth = max(deepest.values_list("organization__depth", flat=True).distinct())
    pool = list(deepest.filter(organization__depth=depth).values_list("pk", flat=True)[:5000])
    random.seed(15)
    times, refresh_times, touched, queries = [], [], [], []
    for pk in random.sample(pool, count):
        assignment = Assignment.objects.select_related("plan", "target").get(pk=pk)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.record_progress(assignment, by=SYSTEM, reported_on=datetime.date.today(),
                                     value=Decimal(random.randint(1, 50)))
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
        started = time.perf_counter()
        touched.append(rollups.refresh_ancestors(pk))
        refresh_times.append(time.perf_counter() - started)
    return {"median_ms": statistics.median(times) * 1000, "p95_ms": sorted(times)[int(len(times) * 0.95)] * 1000,
            "refresh_median_ms": statistics.median(refresh_times) * 1000, "queries": max(queries),
            "depth": depth, "count": count}


def bench_rollup(args):
    from django.db import connection, transaction

    from bench import rollup_floor
    from orgs.models import Organization
    from plans import rollups
    from plans.models import Assignment

    on = rollups.today().isoformat()
    print(f"roll-up: {Assignment.objects.count():,} assignments, "
          f"{Assignment.objects.filter(target__isnull=False).values('target').distinct().count()} targets")
    floors = []
    for _ in range(args.repeat):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(RESET)
            load_at = load()
            started = time.perf_counter()
            rollup_floor.rebuild(on, Organization.steplen)
            floors.append(time.perf_counter() - started)
            floor = figures()
            transaction.set_rollback(True)
        print(f"  floor (one UPDATE per target, one for the points): {floors[-1]:.2f} s, load {load_at:.2f}")
    portals = []
    for _ in range(args.repeat):
        load_at = load()
        portals.append(child("rollup", on))
        print(f"  portal rollups.rebuild(): {portals[-1]['seconds']:.2f} s, {portals[-1]['changed']:,} rows, peak RSS "
              f"{portals[-1]['peak_mb']:.0f} MB (before {portals[-1]['before_mb']:.0f} MB), load {load_at:.2f}")
    portal = figures()
    differing = [pk for pk in floor if floor[pk] != portal.get(pk)]
    for pk in differing[:5]:
        print(f"  DIFFERS {pk}: floor {floor[pk]} portal {portal.get(pk)}")
    print(f"  figures equal for {len(floor) - len(differing):,} of {len(floor):,} assignments")
    best_floor, best_portal = min(floors), min(p["seconds"] for p in portals)
    print(f"  ratio portal / floor (best of {args.repeat}): {best_portal / best_floor:.2f}")
    entries = child("entry", str(args.entries))
    print(f"  record one entry + refresh of its ancestors (depth {entries['depth']}, {entries['count']} entries): "
          f"median {entries['median_ms']:.0f} ms, p95 {entries['p95_ms']:.0f} ms, at most {entries['queries']} queries; "
          f"the refresh alone median {entries['refresh_median_ms']:.0f} ms; load {load():.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("job")
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--entries", type=int, default=20)
    args = parser.parse_args()
    if args.job == "_child":
        os.environ.pop("REDIS_URL", None)
        start()
        job, *rest = args.rest
        print(json.dumps({"rollup": rollup_child, "entry": lambda n: entry_child(int(n)),
                          **CHILDREN}[job](*rest)))
        return
    start()
    from django.db import connection

    print(f"{connection.settings_dict['NAME']} on {connection.vendor}; {os.cpu_count()} cores; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    {"rollup": bench_rollup, **JOBS}[args.job](args)


# --- monthly scoring ----------------------------------------------------------------------------------------------


def latest_run():
    from assessment.models import AssessmentRun

    return AssessmentRun.objects.select_related("scheme__organization").order_by("-month", "-version").first()


def scoring_child():
    """The portal's computation of the latest month, as the task runs it (compute: score, rank, store), in a fresh
    process; returns its time, peak RSS and every total."""
    from assessment import compute
    from assessment.models import Score

    run = latest_run()
    before = peak_mb()
    started = time.perf_counter()
    count = compute.compute(run.pk)
    seconds = time.perf_counter() - started
    totals = {str(pk): str(total) for pk, total in Score.objects.filter(run=run).values_list("organization", "total")}
    return {"seconds": seconds, "count": count, "peak_mb": peak_mb(), "before_mb": before, "totals": totals}


def bench_scoring(args):
    from django.db import transaction

    from bench import scoring_floor

    run = latest_run()
    print(f"scoring: {run.scheme} {run.month:%Y-%m}, {run.scores.count():,} organisations")
    floors = []
    for _ in range(args.repeat):
        with transaction.atomic():
            load_at = load()
            started = time.perf_counter()
            floor = scoring_floor.totals(run.scheme, run.month)
            floors.append(time.perf_counter() - started)
        print(f"  floor (one SQL statement, totals): {floors[-1]:.2f} s, load {load_at:.2f}")
    portals = []
    for _ in range(args.repeat):
        load_at = load()
        portals.append(child("scoring"))
        print(f"  portal compute.compute(): {portals[-1]['seconds']:.2f} s, {portals[-1]['count']:,} scores, peak RSS "
              f"{portals[-1]['peak_mb']:.0f} MB (before {portals[-1]['before_mb']:.0f} MB), load {load_at:.2f}")
    totals = portals[-1]["totals"]
    differing = [pk for pk in floor if str(floor[pk]) != totals.get(str(pk))]
    for pk in differing[:5]:
        print(f"  DIFFERS {pk}: floor {floor[pk]} portal {totals.get(str(pk))}")
    print(f"  totals equal for {len(floor) - len(differing):,} of {len(floor):,} organisations "
          f"({len(totals):,} scored by the portal)")
    print(f"  ratio portal / floor (best of {args.repeat}): {min(p['seconds'] for p in portals) / min(floors):.2f}")


# --- the 考核评分表 -------------------------------------------------------------------------------------------------


def sheet_floor(run, path):
    """The floor: XlsxWriter in constant-memory mode writing the same cells (values and one format per kind of
    cell) from two plain queries, without the portal's layout work (heights, merges, print setup, text rules)."""
    import xlsxwriter
    from django.db import connection

    from assessment.sheets import GRADES, ITEM_KINDS, indicator_tree

    leaves = [leaf for _top, group in indicator_tree(run.scheme) for leaf in group]
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    box = {"border": 1, "align": "center"}
    plain, points, total = book.add_format(box), book.add_format({**box, "num_format": "0.00"}), \
        book.add_format({**box, "bold": True, "num_format": "0.00"})
    sheet, notes = book.add_worksheet("评分表"), book.add_worksheet("计分说明")
    names = {leaf.pk: leaf.name for leaf in leaves}
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT s.id, o.code, o.name, s.bonus, s.deduction, s.total, s.rank, s.grade, i.indicator_id, i.kind, i.raw,
                   i.points, i.explanation
            FROM plans_score s JOIN orgs_organization o ON o.id = s.organization_id
            JOIN plans_scoreitem i ON i.score_id = s.id
            WHERE s.run_id = %s ORDER BY s.rank, o.path, s.id, i.id""", [run.pk])
        row, note_row, current, by_indicator, appeal = 3, 0, None, {}, 0

        def flush(score):
            nonlocal row
            row += 1
            _pk, code, name, bonus, deduction, total_, rank, grade = score
            sheet.write_number(row, 0, row - 3, plain)
            sheet.write_string(row, 1, code, plain)
            sheet.write_string(row, 2, name, plain)
            for col, value in enumerate([by_indicator.get(leaf.pk) for leaf in leaves] + [bonus, -deduction, appeal],
                                        start=3):
                if value is None:
                    sheet.write_blank(row, col, None, points)
                else:
                    sheet.write_number(row, col, float(value), points)
            sheet.write_number(row, 3 + len(leaves) + 3, float(total_), total)
            sheet.write_number(row, 4 + len(leaves) + 3, rank, plain)
            sheet.write_string(row, 5 + len(leaves) + 3, GRADES.get(grade, grade), plain)

        while chunk := cursor.fetchmany(5000):
            for record in chunk:
                score, (indicator, kind, raw, item_points, explanation) = record[:8], record[8:]
                if current is not None and score[0] != current[0]:
                    flush(current)
                    by_indicator, appeal = {}, 0
                current = score
                if kind == "indicator":
                    by_indicator[indicator] = item_points
                elif kind == "appeal":
                    appeal += item_points
                note_row += 1
                notes.write_string(note_row, 0, score[1])
                notes.write_string(note_row, 1, score[2])
                notes.write_string(note_row, 2, names.get(indicator) or ITEM_KINDS[kind])
                if raw is not None:
                    notes.write_number(note_row, 3, float(raw))
                notes.write_number(note_row, 4, float(item_points))
                notes.write_string(note_row, 5, explanation)
        if current is not None:
            flush(current)
    book.close()
    return row - 3


def sheet_child():
    from assessment import sheets

    run = latest_run()
    before = peak_mb()
    started = time.perf_counter()
    content = sheets.month_workbook(run)
    seconds = time.perf_counter() - started
    Path("/tmp/bench_jobs_sheet.xlsx").write_bytes(content)
    return {"seconds": seconds, "bytes": len(content), "peak_mb": peak_mb(), "before_mb": before}


def bench_sheet(args):
    import tempfile

    from openpyxl import load_workbook

    run = latest_run()
    print(f"考核评分表: {run.scheme} {run.month:%Y-%m}, {run.scores.count():,} organisations")
    floors, portals = [], []
    for _ in range(args.repeat):
        load_at = load()
        path = Path(tempfile.mkdtemp()) / "floor.xlsx"
        started = time.perf_counter()
        rows = sheet_floor(run, str(path))
        floors.append(time.perf_counter() - started)
        print(f"  floor (XlsxWriter constant memory, same cells): {floors[-1]:.2f} s, {rows:,} rows, load {load_at:.2f}")
    for _ in range(args.repeat):
        load_at = load()
        portals.append(child("sheet"))
        print(f"  portal sheets.month_workbook(): {portals[-1]['seconds']:.2f} s, {portals[-1]['bytes'] / 2**20:.1f} MB, "
              f"peak RSS {portals[-1]['peak_mb']:.0f} MB (before {portals[-1]['before_mb']:.0f} MB), load {load_at:.2f}")
    floor_rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(min_row=5, values_only=True))
    portal_rows = list(load_workbook("/tmp/bench_jobs_sheet.xlsx", read_only=True).worksheets[0]
                       .iter_rows(min_row=5, max_row=4 + len(floor_rows), values_only=True))
    same = sum(1 for a, b in zip(floor_rows, portal_rows, strict=False) if list(a)[:len(b)] == list(b)[:len(a)])
    print(f"  score rows with equal cells: {same:,} of {len(floor_rows):,}")
    print(f"  ratio portal / floor (best of {args.repeat}): {min(p['seconds'] for p in portals) / min(floors):.2f}")


CHILDREN = {"scoring": scoring_child, "sheet": sheet_child}
JOBS = {"scoring": bench_scoring, "sheet": bench_sheet}

if __name__ == "__main__":
    main()
