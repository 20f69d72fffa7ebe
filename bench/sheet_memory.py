"""Benchmark: peak memory of the spreadsheet writers at a large row count, each in a fresh process.

Run: .venv/bin/python bench/sheet_memory.py [--rows 200000] [--repo PATH] [--tracemalloc]
For each writer — core.spreadsheets.write_xlsx (openpyxl write-only, the generic writer), write_large_xlsx
(XlsxWriter constant_memory) and, for comparison, an ordinary in-memory openpyxl workbook — a new Python
process writes ``--rows`` rows of a ledger-like table (15 columns: numbers, dates, Chinese text) and reports
its peak resident memory (getrusage ru_maxrss) above the same process before writing, the CPU time
(time.process_time) and the file size. ``--tracemalloc`` adds Python's own peak allocation (slower).
``--repo`` measures another checkout's core/spreadsheets.py (e.g. the commit before a change) with this
interpreter. Numbers go into bench/RESULTS.md.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

CHILD = r"""
import datetime, json, os, resource, sys, time, tracemalloc
sys.path.insert(0, {repo!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "league_portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
import django
django.setup()
from core import spreadsheets
import openpyxl

rows_wanted, writer, trace = {rows}, {writer!r}, {trace}
columns = [spreadsheets.Column(f"第{{i}}列", 12, "#,##0.##" if i in (7, 8) else None) for i in range(15)]

def rows():
    for i in range(rows_wanted):
        yield (i, "第一部分 思想引领", "开展主题团日活动，覆盖全部团支部", "场次", "场", f"C{{i:08d}}", f"某某街道第{{i}}团支部",
               12.5, i % 40, 0.25, "红灯", datetime.datetime(2026, 5, 1, 10, 0), None, None, "=SUM(A1)" if i % 97 == 0 else None)

def in_memory():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.header for c in columns])
    for row in rows():
        sheet.append(row)
    import io
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

if trace:
    tracemalloc.start()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.process_time()
if writer == "write_xlsx":
    size = len(spreadsheets.write_xlsx(columns, rows(), sheet_title="bench"))
elif writer == "write_large_xlsx":
    output = spreadsheets.write_large_xlsx(columns, rows(), sheet_title="bench")
    size = output.seek(0, 2)
else:
    size = len(in_memory())
result = {{"writer": writer, "rows": rows_wanted, "cpu_s": round(time.process_time() - started, 1),
          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
          "rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024, 1),
          "file_mb": round(size / 2**20, 1)}}
if trace:
    result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
print(json.dumps(result))
"""


def measure(repo: Path, writer: str, rows: int, trace: bool) -> dict:
    code = CHILD.format(repo=str(repo), rows=rows, writer=writer, trace=trace)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    if done.returncode:
        return {"writer": writer, "error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repo", default=str(HERE))
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--writers", default="write_xlsx,write_large_xlsx,openpyxl_in_memory")
    args = parser.parse_args()
    for writer in args.writers.split(","):
        print(json.dumps(measure(Path(args.repo), writer, args.rows, args.tracemalloc), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
