"""The 工作通报 on the known tree: the .docx read back (python-docx) says what the 工作台 says; the PDF is a PDF; the
API answers the same file; only published scores; a leader of one city never gets another city's circular."""
import io

import pytest
from docx import Document
from freezegun import freeze_time

from orgs.models import Organization

from .test_dashboard import NOW, _get


def _tables(content):
    document = Document(io.BytesIO(content))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return document, tables


def test_the_circular_says_what_the_dashboard_says(client, people, known, tree):
    client.force_login(people.leader)
    board = _get(client, "/dashboard/A/?year=2026").context["board"]
    response = _get(client, "/dashboard/A/circular.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "2026-05.docx" in response["Content-Disposition"]
    document, tables = _tables(response.content)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{tree.city_a.name}工作通报（2026年05月）" in text
    headline = {row[0]: row[1] for row in tables[0][1:]}
    reporting = board["reporting"]
    assert headline["总体完成率"] == f"{float(board['headline']['completion']) * 100:.1f}%" == "12.5%"
    assert (headline["应报"], headline["已报"], headline["逾期"], headline["未报"]) == tuple(
        str(reporting[k]) for k in ("due", "sent", "late", "missing")) == ("3", "2", "1", "1")
    assert headline["报送率"] == f"{reporting['rate']}%"
    # the children's table: one row per child of the dashboard, its completion and report rate
    children = tables[1][1:]
    assert [row[0] for row in children] == [row["name"] for row in board["children"]]
    assert children[0][5] == f"{board['children'][0]['report_rate']}%"
    # the red list names the responsible organisations; the roll: B1 late, C1 missing
    red = tables[2][1:]
    assert {row[0] for row in red} == {a["organization"]["name"] for a in board["lagging"] if a["light"] == "red"}
    roll = {row[0]: row[1] for row in tables[3][1:]}
    names = dict(Organization.objects.filter(code__in=["B1", "C1"]).values_list("code", "name"))
    assert roll == {names["B1"]: "逾期", names["C1"]: "未报"}
    assert "99.50" not in "\n".join(c for t in tables for r in t for c in r)  # a provisional score never shows


def test_the_pdf_and_the_api_answer_the_same_circular(client, people, known):
    client.force_login(people.leader)
    pdf = _get(client, "/dashboard/A/circular.pdf?month=2026-05")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    api = _get(client, "/api/v1/dashboard/A/circular/?month=2026-05")
    _document, tables = _tables(api.content)
    assert tables[0][4][1] == "3"  # reports due
    assert _get(client, "/api/v1/dashboard/A/circular/?kind=pdf").content.startswith(b"%PDF")
    with freeze_time(NOW):
        assert client.get("/api/v1/dashboard/A/circular/?kind=odt").status_code == 400
        bad = client.get("/api/v1/dashboard/A/circular/?month=2030-01")
        assert bad.status_code == 400 and "month" in bad.json()["errors"]
        assert client.get("/dashboard/A/circular.pdf?month=2026-13").status_code == 400
        assert client.get("/dashboard/A/circular.odt").status_code == 404


@pytest.mark.parametrize("url", ["/dashboard/B/circular.docx", "/dashboard/B/circular.pdf",
                                 "/api/v1/dashboard/B/circular/", "/api/v1/dashboard/Bb/circular/?kind=pdf"])
def test_a_leader_of_one_city_never_gets_another_citys_circular(client, people, known, url):
    client.force_login(people.leader)
    with freeze_time(NOW):
        response = client.get(url)
    assert response.status_code == 404 and "乙市" not in response.content.decode(errors="replace")
