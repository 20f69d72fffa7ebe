"""The upload guard's parts (core/uploads.py, core/middleware.py) on their own; the corpus of bad files
against every endpoint is in test_bad_files.py."""
import io
import itertools
import json
import re
import resource
import time
import zipfile

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from openpyxl import Workbook

from core.middleware import RequestSizeLimitMiddleware
from core.spreadsheets import read_table
from core.uploads import Deadline, UploadRejected, bounded_rows, check_zip, read_upload, sheet_limits


def _xlsx(rows, sheet=lambda xml: xml) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, sheet(content) if info.filename == "xl/worksheets/sheet1.xml" else content)
    return out.getvalue()


def test_a_sheet_that_only_declares_a_huge_dimension_is_read_as_the_rows_it_has():
    data = _xlsx([["编码", "名称"], ["A", "甲"]],
                 sheet=lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    table = read_table(SimpleUploadedFile("t.xlsx", data))
    assert table.headers == ["编码", "名称"] and table.rows == [(2, {"编码": "A", "名称": "甲"})]
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100 * 1024  # KB


def test_rows_are_counted_as_they_stream_and_the_rest_is_never_read():
    consumed = itertools.count()
    endless = ((next(consumed), "x") for _ in itertools.count())
    with pytest.raises(UploadRejected) as refused:
        list(bounded_rows(endless, sheet_limits(max_rows=100), Deadline()))
    assert refused.value.code == "rows" and "100" in str(refused.value)
    assert next(consumed) == 102  # the header, 100 rows and the one past the ceiling


def test_empty_cells_past_the_column_ceiling_are_dropped_and_values_there_refused():
    limits = sheet_limits(max_columns=3)
    assert list(bounded_rows([("a", "b", None, None, "")], limits, Deadline())) == [("a", "b", None)]
    with pytest.raises(UploadRejected) as refused:
        list(bounded_rows([("a",), ("a", None, None, "x")], limits, Deadline()))
    assert refused.value.code == "columns" and "2" in str(refused.value)


def test_reading_stops_when_the_time_budget_is_spent():
    endless = (("x",) for _ in itertools.count())
    with pytest.raises(UploadRejected) as refused:
        list(bounded_rows(endless, sheet_limits(max_rows=10**9), Deadline(seconds=-1)))
    assert refused.value.code == "time"


def test_a_csv_with_a_million_rows_is_refused_at_the_ceiling_quickly():
    data = ("编码,名称\n" + "x,y\n" * 1_000_000).encode()
    started = time.monotonic()
    with pytest.raises(UploadRejected) as refused:
        read_table(SimpleUploadedFile("t.csv", data), use="report_form")
    assert refused.value.code == "rows" and time.monotonic() - started < 2


def test_a_file_is_refused_by_its_size_before_it_is_read():
    class Unreadable:
        name, size = "t.csv", 6 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(UploadRejected) as refused:
        read_upload(Unreadable(), 5 * 1024 * 1024)
    assert refused.value.status_code == 413


def test_an_upload_without_a_size_is_read_one_byte_past_the_limit_at_most():
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(UploadRejected):
        read_upload(stream, 10)
    assert stream.tell() == 11


def test_a_real_export_passes_the_zip_checks():
    rows = [["组织编码", "组织名称", "上级组织编码"]] + [[f"44{i:010d}", f"第{i}团支部", f"44{i // 50:010d}"] for i in range(5000)]
    check_zip(_xlsx(rows), kind=".xlsx")


def test_a_dtd_is_found_in_utf16_xml_but_an_svg_image_may_carry_one():
    def archive(name, content):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            target.writestr(name, content)
        return out.getvalue()

    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'
    check_zip(archive("word/media/image1.svg", svg), kind=".docx")
    with pytest.raises(UploadRejected) as refused:
        check_zip(archive("word/document.xml", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-le")),
                  kind=".docx")
    assert refused.value.code == "dtd"


def test_a_password_protected_part_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("xl/workbook.xml", b"<x/>")
    data = bytearray(out.getvalue())
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the 'encrypted' flag in both headers
        at = data.index(header)
        data[at + offset] |= 1
    with pytest.raises(UploadRejected) as refused:
        check_zip(bytes(data), kind=".xlsx")
    assert refused.value.code == "encrypted"


def _never(request):
    raise AssertionError("the view read the request")


def test_a_body_announced_too_large_is_refused_before_anything_reads_it(settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    request = RequestFactory().post("/api/v1/organizations/import/", data=b"x", content_type="text/csv",
                                    CONTENT_LENGTH="999999999")
    response = RequestSizeLimitMiddleware(_never)(request)
    assert response.status_code == 413 and "1 MB" in json.loads(response.content)["detail"]
    ok = RequestFactory().post("/api/v1/organizations/import/", data=b"x", content_type="text/csv")
    assert RequestSizeLimitMiddleware(lambda r: HttpResponse("read"))(ok).content == b"read"


def test_a_page_upload_too_large_says_so_and_an_htmx_one_goes_back_to_its_page(client, people, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024
    client.force_login(people.reporter)
    def big():
        return {"files": [SimpleUploadedFile("p.png", b"\x89PNG" + b"x" * 2 * 1024 * 1024)]}

    response = client.post("/reports/1/attachments/", big(), HTTP_REFERER="http://testserver/reports/1/")
    assert response.status_code == 413 and "上传内容超过 1 MB" in response.content.decode()
    response = client.post("/reports/1/attachments/", big(), HTTP_HX_REQUEST="true",
                           HTTP_REFERER="http://evil.example/")
    assert response.status_code == 413 and response["HX-Redirect"] == "/"
    assert "上传内容超过 1 MB" in client.get("/").content.decode()  # the message waits on the next page


def test_a_multipart_body_longer_than_the_limit_stops_while_it_is_parsed(settings):
    """Without a Content-Length to refuse (a chunked body), the upload handler counts the bytes instead."""
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024
    request = RequestFactory().post("/orgs/import/", {"file": SimpleUploadedFile("t.csv", b"x" * 2 * 1024 * 1024)})
    with pytest.raises(RequestDataTooBig):
        request.FILES
