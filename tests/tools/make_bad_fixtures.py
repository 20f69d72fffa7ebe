"""Writes the bad-file corpus of tests/fixtures/bad/ (run it again after changing a recipe).

Each file is a small, deterministic reproduction of an attack on the upload endpoints; what each one is
sent to and what it gets back is in ``manifest.json`` beside the files. Files that would be large in git
(a million-row sheet, an oversized body) are made by the tests themselves.

    .venv/bin/python tests/tools/make_bad_fixtures.py
"""
import io
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "bad"
FIXED = (2026, 1, 1, 0, 0, 0)  # fixed member times: the same recipe gives the same bytes


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _docx(paragraphs) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, change: dict, extra=()) -> bytes:
    """The zip ``data`` again, with members replaced by ``change`` (name -> function of the old bytes) and
    ``extra`` members (name, bytes) added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in change:
                content = change[info.filename](content)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED), content, zipfile.ZIP_DEFLATED)
        for name, content in extra:
            target.writestr(zipfile.ZipInfo(name, FIXED), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


HEADER = ["组织编码", "组织名称", "上级组织编码", "组织层级", "组织类型"]


def dimension_bomb() -> bytes:
    """The sheet declares A1:XFD1048576 and has a cell in its last row and column: a reader that trusts the
    dimension (or pads every row to it) builds 1,048,576 rows of 16,384 cells."""
    def sheet(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        last = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", last + b"</sheetData>")

    return _rewrite(_xlsx([HEADER]), {"xl/worksheets/sheet1.xml": sheet})


def wide_row() -> bytes:
    """A second row whose only cell is in the last column, XFD: 16,384 columns."""
    def sheet(xml: bytes) -> bytes:
        wide = b'<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", wide + b"</sheetData>")

    return _rewrite(_xlsx([HEADER]), {"xl/worksheets/sheet1.xml": sheet})


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def _with_doctype(xml: bytes) -> bytes:
    """The XML with a small 'billion laughs' DTD after its declaration and an entity used in the text."""
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:declaration_end] + LAUGHS + xml[declaration_end:]


def dtd_xlsx() -> bytes:
    return _rewrite(_xlsx([HEADER, ["X1", "名称", "P", "团支部", "团支部"]]),
                    {"xl/workbook.xml": _with_doctype, "xl/worksheets/sheet1.xml": _with_doctype})


def dtd_docx() -> bytes:
    return _rewrite(_docx(["一、旗帜鲜明讲政治", "1. 全年开展宣讲不少于40场。"]), {"word/document.xml": _with_doctype})


ZEROS = 20 * 1024 * 1024  # deflate packs zeros or spaces about 1,000 to 1: 20 MB become about 20 KB


def padded_document(xml: bytes, size: int) -> bytes:
    """word/document.xml with ``size`` spaces before its first paragraph (blank text the parser must read)."""
    return xml.replace(b"<w:body>", b"<w:body>" + b" " * size, 1)


def docx_bomb() -> bytes:
    """A real Word document whose main part holds 20 MB of spaces; python-docx reads the whole part into
    memory and parses it."""
    return _rewrite(_docx(["一、旗帜鲜明讲政治"]), {"word/document.xml": lambda xml: padded_document(xml, ZEROS)})


def xlsx_bomb() -> bytes:
    """A real workbook carrying a 20 MB part of zeros."""
    return _rewrite(_xlsx([HEADER]), {}, extra=[("xl/media/image1.bin", bytes(ZEROS))])


def too_many_members() -> bytes:
    """A real workbook with 300 extra empty members (the test lowers the member limit to 100)."""
    return _rewrite(_xlsx([HEADER]), {}, extra=[(f"x/{i}", b"") for i in range(300)])


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 3 // 5]


def lying_sizes() -> bytes:
    """A workbook whose central directory says a 4 MB part of zeros holds 100 bytes: a check of the declared
    sizes alone passes it; reading the real bytes does not."""
    data = bytearray(_rewrite(_xlsx([HEADER]), {}, extra=[("xl/media/image1.bin", bytes(4 * 1024 * 1024))]))
    name = b"xl/media/image1.bin"
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).header_offset
    central = data.rindex(name) - 46  # the directory at the end names the member last
    assert data[local:local + 4] == b"PK\x03\x04" and data[central:central + 4] == b"PK\x01\x02"
    data[local + 22:local + 26] = (100).to_bytes(4, "little")  # uncompressed size, in both headers
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    return bytes(data)


def build() -> dict[str, bytes]:
    return {
        "dimension-bomb.xlsx": dimension_bomb(),
        "wide-row.xlsx": wide_row(),
        "dtd.xlsx": dtd_xlsx(),
        "dtd.docx": dtd_docx(),
        "docx-bomb.docx": docx_bomb(),
        "xlsx-bomb.xlsx": xlsx_bomb(),
        "too-many-members.xlsx": too_many_members(),
        "truncated.xlsx": truncated(_xlsx([HEADER, ["X1", "名称", "P", "团支部", "团支部"]] * 50)),
        "truncated.docx": truncated(_docx(["一、旗帜鲜明讲政治"] * 50)),
        "lying-sizes.xlsx": lying_sizes(),
    }


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (HERE / name).write_bytes(content)
        print(f"{name:24} {len(content):>7} bytes", file=sys.stderr)
