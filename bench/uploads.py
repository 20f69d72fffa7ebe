"""Benchmark: what the upload attacks of issue 10 cost a worker — peak memory and time of reading each bad
file with the portal's own readers, each in a fresh process capped at 4 GB and 120 s.

Run: .venv/bin/python bench/uploads.py. The 2 GB .docx bomb and the million-row sheet are made here, not
kept in git. Numbers go into bench/RESULTS.md.
"""
import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAP_BYTES = 4 * 1024 ** 3

CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "league_portal.settings_test")
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
data = open({path!r}, "rb").read()
upload = SimpleUploadedFile({name!r}, data)
started = time.monotonic()
try:
    if {kind!r} == "sheet":
        from core.spreadsheets import read_table
        outcome = f"{{len(read_table(upload).rows)}} rows"
    else:
        from plans.validators import read_plan_document
        outcome = f"{{len(read_plan_document(upload=upload))}} characters"
except MemoryError:
    outcome = "MemoryError"
except Exception as exc:
    outcome = f"refused: {{exc}}"
print(f"{{time.monotonic() - started:.2f}}\t{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}}\t{{outcome}}")
"""


def docx_bomb(size=2 * 1024 ** 3) -> bytes:
    """A Word document whose main part holds ``size`` spaces before its first paragraph (about 2 MB for 2 GB)."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "word/document.xml":
                target.writestr(info, content)
                continue
            head, tail = content.split(b"<w:body>", 1)
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                chunk = b" " * (16 * 1024 * 1024)
                for _ in range(size // len(chunk)):
                    member.write(chunk)
                member.write(tail)
    return out.getvalue()


def million_rows() -> bytes:
    return ("组织编码,组织名称,上级组织编码,组织层级,组织类型\n" + "x\n" * 1_000_000).encode()


def run(label, kind, name, data):
    path = Path("/tmp") / f"bench-upload-{os.getpid()}-{name}"
    path.write_bytes(data)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))

    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path), name=name, kind=kind)],
                              capture_output=True, text=True, timeout=120, preexec_fn=cap, cwd=ROOT)
        line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else f"crashed: {done.stderr.strip()[-200:]}"
    except subprocess.TimeoutExpired:
        line = f"{time.monotonic() - started:.2f}\t?\tstill running after 120 s"
    finally:
        path.unlink()
    seconds, peak, outcome = (line.split("\t") + ["", ""])[:3]
    print(f"{label:44} {len(data) / 1024:>8.1f} KB  {seconds:>7} s  {peak:>6} MB peak RSS  {outcome[:90]}")


if __name__ == "__main__":
    bad = ROOT / "tests" / "fixtures" / "bad"
    run("dimension bomb (.xlsx, fixture)", "sheet", "dimension-bomb.xlsx", (bad / "dimension-bomb.xlsx").read_bytes())
    run("wide row (.xlsx, fixture)", "sheet", "wide-row.xlsx", (bad / "wide-row.xlsx").read_bytes())
    run("zip bomb (.docx, 2 GB of spaces)", "document", "bomb.docx", docx_bomb())
    run("zip bomb (.docx, fixture)", "document", "docx-bomb.docx", (bad / "docx-bomb.docx").read_bytes())
    run("million-row sheet (.csv)", "sheet", "rows.csv", million_rows())
    run("DTD (.xlsx, fixture)", "sheet", "dtd.xlsx", (bad / "dtd.xlsx").read_bytes())
