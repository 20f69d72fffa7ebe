"""Writes the hostile volunteer-import files of tests/fixtures/volunteers/ (run once; the files are kept in git).

merged-formulas.xlsx: the header and a row whose name cells are merged over two rows and whose 证件号码 and 服务时长
are formulas without cached values; huge-cell.xlsx: a 40,000-character name; junk-rows.csv: the header and 3,000
rows of junk.
"""
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "volunteers"
HEADER = ["姓名", "性别", "证件类型", "证件号码", "手机号", "所属组织", "政治面貌", "注册时间", "志愿者编号"]


def main():
    HERE.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["张三", "男", "居民身份证", "=CONCATENATE(\"4403\",\"05\")", "=1+1", "A1a", "共青团员", "=TODAY()", "x"])
    sheet.append([None] * 9)
    sheet.merge_cells("A2:A3")
    book.save(HERE / "merged-formulas.xlsx")
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["长" * 40000, "", "", "440305200005171234", "", "A1a", "", "", ""])
    book.save(HERE / "huge-cell.xlsx")
    rows = [",".join(HEADER)] + [f"junk{i},?,??,{i},x,y,z,w,v" for i in range(3000)]
    (HERE / "junk-rows.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
