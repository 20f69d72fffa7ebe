"""Benchmark: importing 100,000 volunteers from a national platform's export — wall time and peak memory of the
check (Celery's first step) and of the apply (the second: check again, bulk-write in one transaction).

Run: .venv/bin/python bench/volunteer_import.py [--rows 100000] (DATABASE_URL for PostgreSQL; without it a throwaway
SQLite file). The .xlsx is generated here with valid GB 11643 check digits (XlsxWriter, constant memory). Celery
runs eagerly in-process (no REDIS_URL), so the times are those of the task's work. Numbers go into
bench/RESULTS.md.
"""
import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.setup import start  # noqa: E402

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(i: int) -> str:
    """The i-th valid 居民身份证 number: 500 per birth day from 1 January 1990, serials odd (men)."""
    birth = datetime.date(1990, 1, 1) + datetime.timedelta(days=i // 500)
    first17 = f"440305{birth:%Y%m%d}{i % 500 * 2 + 1:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def make_file(path, rows, codes):
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "性别", "证件类型", "证件号码", "手机号", "所属组织", "政治面貌", "注册时间", "志愿者编号"])
    for i in range(rows):
        sheet.write_row(i + 1, 0, [f"志愿者{i}", "男", "居民身份证", id_number(i), f"139{i:08d}", codes[i % len(codes)],
                                   "共青团员", "2025-06-01", f"ZYH{i:08d}"])
    book.close()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=300)
    args = parser.parse_args()
    start()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from bench.tree import build_tree
    from orgs.choices import Role
    from orgs.models import Organization, RoleAssignment
    from tests.factories import UserFactory
    from volunteers import imports
    from volunteers.models import Volunteer, VolunteerImport

    if not Organization.objects.exists():
        build_tree(args.branches)
    province = Organization.objects.get(code="P")
    user = UserFactory(username=f"bench{time.time_ns()}")
    RoleAssignment.objects.create(user=user, organization=province, role=Role.ADMIN)
    Volunteer.objects.all().delete()
    codes = list(Organization.objects.filter(level="grassroots").values_list("code", flat=True))
    path = Path(tempfile.mkdtemp()) / "volunteers.xlsx"
    started = time.perf_counter()
    make_file(path, args.rows, codes)
    print(f"file: {args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MB, written in {time.perf_counter() - started:.1f} s")
    print(f"database: {connection.vendor}; peak before: {peak_mb()} MB")

    upload = SimpleUploadedFile("volunteers.xlsx", path.read_bytes())
    tracemalloc.start()
    started = time.perf_counter()
    job = imports.start_import(by=user, kind="volunteers", organization=province, upload=upload)
    job = VolunteerImport.objects.get(pk=job.pk)
    check = time.perf_counter() - started
    check_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.reset_peak()
    print(f"check: {check:.1f} s, status {job.status}, {job.summary}, Python allocations peak {check_peak:.0f} MB, "
          f"process peak {peak_mb()} MB")
    started = time.perf_counter()
    imports.apply_import(job, by=user)
    job = VolunteerImport.objects.get(pk=job.pk)
    apply = time.perf_counter() - started
    apply_peak = tracemalloc.get_traced_memory()[1] / 2**20
    print(f"apply: {apply:.1f} s, status {job.status}, imported {job.summary.get('imported')}, "
          f"{Volunteer.objects.count():,} volunteers stored, Python allocations peak {apply_peak:.0f} MB, "
          f"process peak {peak_mb()} MB")
    os.remove(path)


if __name__ == "__main__":
    main()
