"""Print check: every spreadsheet the portal writes, as LibreOffice prints it, to look at.

Run: .venv/bin/python bench/print_check.py [--out DIR] [--months N] [--dpi 50]
Loads the demo into a throwaway SQLite database (or DATABASE_URL), computes and publishes the demo scheme
for N months (for the 年度汇总), downloads every export and template through the pages as the demo users,
converts each workbook to PDF with `soffice --headless --convert-to pdf`, counts its pages (pdfinfo) and
renders the first pages to PNG (pdftoppm) in DIR, for a person to open. LibreOffice is used for looking
only: the test suite never needs it. Without soffice or pdftoppm the script says so and stops (exit 0).
"""
import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

parser = argparse.ArgumentParser()
parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "print_check"))
parser.add_argument("--months", type=int, default=10, help="months of the demo scheme computed and published")
parser.add_argument("--dpi", type=int, default=50)
parser.add_argument("--pages", type=int, default=2, help="pages of each PDF rendered to PNG")
parser.add_argument("--long-names", action="store_true",
                    help="lengthen every 二级指标's name first, to see the 考核评分表's header rows wrap")
parser.add_argument("--only", default="", help="comma-separated sheet names (assessment_month, ledger, …)")
args = parser.parse_args()

TOOLS = {name: shutil.which(name) for name in ("soffice", "pdftoppm", "pdfinfo")}
if not all(TOOLS.values()):
    missing = ", ".join(name for name, path in TOOLS.items() if not path)
    print(f"print check skipped: {missing} not found (apt-get install -y libreoffice-calc-nogui poppler-utils)")
    sys.exit(0)

from bench.setup import start  # noqa: E402

start()
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from assessment import compute, services  # noqa: E402
from assessment.choices import RunStatus  # noqa: E402
from assessment.models import AssessmentRun, AssessmentScheme  # noqa: E402
from core import months  # noqa: E402
from orgs.permissions import SYSTEM  # noqa: E402
from plans.models import Plan  # noqa: E402


def publish_months(count):
    """The demo scheme computed and published for ``count`` months up to last month (within its year)."""
    scheme = AssessmentScheme.objects.get()
    last = months.last_month()
    for back in range(1, count):
        if last.month - back < 1:
            break
        month = datetime.date(last.year, last.month - back, 1)
        if AssessmentRun.objects.filter(scheme=scheme, month=month, status=RunStatus.PUBLISHED).exists():
            continue
        run = services.request_computation(scheme, month, by=SYSTEM)
        compute.compute(run.pk)
        services.publish(AssessmentRun.objects.get(pk=run.pk), by=SYSTEM)
    return scheme


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run([TOOLS["pdfinfo"], str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def to_pdf(xlsx: Path, out: Path) -> Path:
    subprocess.run([TOOLS["soffice"], "--headless", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                   capture_output=True, check=True, timeout=600)
    return out / f"{xlsx.stem}.pdf"


def look(name: str, content: bytes, out: Path) -> tuple[int, int]:
    """Write ``content`` as NAME.xlsx, convert it to PDF, render its first pages; the page count of the whole
    workbook and of its first sheet alone (a copy without the other sheets)."""
    import openpyxl

    xlsx = out / f"{name}.xlsx"
    xlsx.write_bytes(content)
    pdf = to_pdf(xlsx, out)
    subprocess.run([TOOLS["pdftoppm"], "-png", "-r", str(args.dpi), "-f", "1", "-l", str(args.pages), str(pdf),
                    str(out / name)], check=True)
    book = openpyxl.load_workbook(xlsx)
    if len(book.worksheets) == 1:
        return pdf_pages(pdf), pdf_pages(pdf)
    for sheet in book.worksheets[1:]:
        book.remove(sheet)
    first = out / f"{name}_first_sheet.xlsx"
    book.save(first)
    return pdf_pages(pdf), pdf_pages(to_pdf(first, out))


def main():
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    settings.SCORE_SHEET_SYNC_ROWS = 10**6  # the sheet in the response, not by the bell
    call_command("load_demo", verbosity=0)
    if args.long_names:
        from assessment.models import Indicator

        for leaf in Indicator.objects.filter(parent__isnull=False):
            Indicator.objects.filter(pk=leaf.pk).update(name=f"{leaf.name}及台账资料规范完整程度")
    scheme = publish_months(args.months)
    run = AssessmentRun.objects.filter(scheme=scheme, status=RunStatus.PUBLISHED).order_by("-month").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    month = f"{months.last_month():%Y-%m}"
    plan = Plan.objects.filter(organization__code="36010000").first() or Plan.objects.first()
    city = scheme.organization.code
    downloads = [
        ("assessment_month", "demo_assessor", f"/assessment/runs/{run.pk}/sheet.xlsx"),
        ("assessment_year", "demo_assessor", f"/assessment/schemes/{scheme.pk}/year.xlsx"),
        ("reports_export", "demo_staff", f"/reports/export.xlsx?month={month}"),
        ("reports_template", "demo_reporter", f"/reports/template.xlsx?month={month}"),
        ("ledger", "demo_staff", f"/plans/{plan.pk}/ledger.xlsx"),
        ("orgs_export", "demo_admin", "/orgs/export/"),
        ("volunteers_export", "demo_staff", "/volunteers/export/"),
        ("records_export", "demo_staff", "/volunteers/records/export/"),
        ("dashboard", "demo_leader", f"/dashboard/{city}/export.xlsx"),
    ]
    print(f"{'sheet':<20} {'url':<48} pages (first sheet)")
    only = set(filter(None, args.only.split(",")))
    for name, user, url in downloads:
        if only and name not in only:
            continue
        client = Client()
        client.force_login(users[user])
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name:<20} {url:<48} HTTP {response.status_code}")
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        pages, first = look(name, content, out)
        print(f"{name:<20} {url:<48} {pages} ({first})")
    print(f"PDFs and PNGs in {out}")


main()
