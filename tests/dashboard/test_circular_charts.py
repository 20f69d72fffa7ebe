"""The 工作通报's charts: PNG images in the .docx (read back with python-docx) and in the PDF (pdfimages, or the PDF's
image objects), drawn from the 工作台's chart data with Chinese labels in a CJK font, bounded for a long list of
children, in the colours of static/js/charts.js, and left out with a sentence when no Chinese font is installed."""
import datetime
import io
import re
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation
from docx import Document
from PIL import Image

from dashboard import chart_images, charts

from .test_dashboard import _get

PNG = b"\x89PNG\r\n\x1a\n"
MAY = datetime.date(2026, 5, 1)


def _pictures(content):
    """(the Word document, the PNG bytes of its inline pictures)."""
    document = Document(io.BytesIO(content))
    blobs = []
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        blobs.append(document.part.related_parts[blip.embed].blob)
    return document, blobs


def _assert_reasonable_png(blob):
    assert blob.startswith(PNG)
    image = Image.open(io.BytesIO(blob))
    image.verify()
    width, height = Image.open(io.BytesIO(blob)).size
    assert 400 <= width <= 2000 and 150 <= height <= 1200, (width, height)
    assert 2_000 < len(blob) < 400_000


def _pdf_images(content, tmp_path):
    """How many images a PDF holds: pdfimages (poppler-utils) when installed, else its image XObjects."""
    if shutil.which("pdfimages"):
        path = tmp_path / "circular.pdf"
        path.write_bytes(content)
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
        return sum(1 for line in listing.splitlines()[2:] if line.split()[2:3] == ["image"])
    return len(re.findall(rb"/Subtype\s*/Image", content))


def test_the_word_circular_carries_the_charts_as_pngs(client, people, known):
    client.force_login(people.leader)
    # city A: targets by light, reports by month and its children by completion (no published score of its own
    # or of its children, so no score trend)
    document, blobs = _pictures(_get(client, "/dashboard/A/circular.docx?month=2026-05").content)
    assert len(document.inline_shapes) == len(blobs) == 3
    for blob in blobs:
        _assert_reasonable_png(blob)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "任务红黄绿灯" in text and "各月月报报送" in text and "下级组织完成率排名" in text
    assert "各月已公布考核得分" not in text
    page_width = 26.0
    assert all(0 < shape.width.cm <= page_width for shape in document.inline_shapes)
    # district A1: its branches' published May scores make the trend of their average
    document, blobs = _pictures(_get(client, "/dashboard/A1/circular.docx?month=2026-05").content)
    assert len(blobs) == 4
    assert "各月已公布考核得分" in "\n".join(p.text for p in document.paragraphs)
    for blob in blobs:
        _assert_reasonable_png(blob)


def test_the_pdf_circular_carries_the_same_charts(client, people, known, tmp_path):
    client.force_login(people.leader)
    content = _get(client, "/dashboard/A1/circular.pdf?month=2026-05").content
    assert content.startswith(b"%PDF")
    assert _pdf_images(content, tmp_path) == 4


def test_the_charts_draw_the_dashboards_chart_data_cut_to_the_month():
    board = _board(children=5)
    data = charts.chart(board, "report-rate")
    cut = chart_images._until(data, datetime.date(2026, 3, 1))
    assert cut["categories"] == ["2026-01", "2026-02", "2026-03"]
    assert [s["data"] for s in cut["series"]][0] == data["series"][0]["data"][:3]
    assert [s["key"] for s, _colour in chart_images._drawn(charts.chart(board, "children-completion"))] == [
        "completion", "expected"]  # the series the page draws (charts.DRAWING), in the page's colours
    assert [c for _s, c in chart_images._drawn(charts.chart(board, "score-trend"))] == chart_images.COLOURS[:2]


def _board(children):
    kids = [{"pk": i, "code": f"C{i:03d}", "display_name": f"第{i}区团委", "name": f"共青团第{i}区委员会",
             "completion": None if i % 9 == 0 else Decimal(i % 100) / 100, "expected": Decimal("0.42")}
            for i in range(children)]
    months = [datetime.date(2026, m, 1) for m in range(1, 6)]
    return {
        "year": 2026, "children": kids, "sections": [], "volunteer_months": [],
        "headline": {"lights": {"red": 3, "yellow": 5, "green": 12, "done": 2, "not_started": 1}},
        "report_months": [{"month": m, "rate": 80 + i, "due": 5, "sent": 4, "late": 1, "missing": 1}
                          for i, m in enumerate(months)],
        "trend": [{"month": m, "total": Decimal(80 + i), "rank": 2, "children_average": Decimal(75 + i)}
                  for i, m in enumerate(months)],
    }


def test_a_province_with_hundreds_of_children_gets_a_bounded_chart_of_the_top_and_the_bottom():
    family = chart_images.cjk_family()
    with translation.override("zh-hans"):
        small = chart_images.children_completion(_board(children=8), family)
        started = time.process_time()
        large = chart_images.children_completion(_board(children=600), family)
        spent = time.process_time() - started
    assert "8个下级组织" in small.caption
    assert "最高的12个和最低的12个" in large.caption and "共600个" in large.caption
    assert spent < 10
    width, height = Image.open(io.BytesIO(large.png)).size
    assert large.height_cm < 14 and height <= 14 / 2.54 * chart_images.DPI + 2
    assert len(large.png) < 400_000
    _assert_reasonable_png(small.png)


def test_the_charts_are_lettered_in_a_font_with_chinese_glyphs():
    family = chart_images.cjk_family()
    assert family
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert chart_images._covers_chinese(path)


def test_without_a_chinese_font_the_circular_has_no_charts_and_says_why(client, people, known, monkeypatch, tmp_path):
    monkeypatch.setattr(chart_images, "cjk_family", lambda: None)
    client.force_login(people.leader)
    document, blobs = _pictures(_get(client, "/dashboard/A1/circular.docx?month=2026-05").content)
    assert blobs == []
    assert "未找到含中文字形的字体" in "\n".join(p.text for p in document.paragraphs)
    pdf = _get(client, "/dashboard/A1/circular.pdf?month=2026-05").content
    assert pdf.startswith(b"%PDF") and _pdf_images(pdf, tmp_path) == 0


def test_the_chart_colours_are_those_of_the_pages_charts():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "charts.js").read_text(encoding="utf-8")
    colours = re.search(r"var COLOURS = \[([^\]]*)\]", script).group(1)
    assert re.findall(r'"(#[0-9a-f]{6})"', colours) == chart_images.COLOURS
