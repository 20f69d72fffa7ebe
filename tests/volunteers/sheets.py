"""Sheets in the national platforms' formats for the import tests: .csv and .xlsx, good and bad."""
import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

VOLUNTEER_HEADER = ["姓名", "性别", "证件类型", "证件号码", "手机号", "所属组织", "政治面貌", "注册时间", "志愿者编号"]
RECORD_HEADER = ["证件号码", "活动名称", "服务日期", "服务时长"]


def csv_file(rows, header=VOLUNTEER_HEADER, name="import.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv")


def xlsx_bytes(rows, header=VOLUNTEER_HEADER):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_file(rows, header=VOLUNTEER_HEADER, name="import.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows, header))
