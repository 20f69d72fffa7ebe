"""Spreadsheets the volunteer pages and API write: the service records (hours), streamed in constant memory, and
the import templates (volunteers, service records) in the portal's own format."""
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import Column, write_large_xlsx, write_xlsx

from .imports import GENDER_ALIASES, ID_TYPE_ALIASES, POLITICAL_ALIASES, RECORD_COLUMNS, VOLUNTEER_COLUMNS, Kind


def record_columns():
    return [Column(_("Full name"), 12), Column(_("Document number"), 22), Column(_("Organisation code"), 14),
            Column(_("Volunteer's organisation"), 28), Column(_("Activity"), 30), Column(_("Organiser"), 28),
            Column(_("Date of service"), 12), Column(_("Hours"), 8, "0.00"), Column(_("Status"), 10),
            Column(_("Source"), 12), Column(_("Decided at"), 18)]


def record_rows(records):
    """The rows of the records export, personal data masked (as everywhere outside the logged reveal)."""
    for r in records.iterator(chunk_size=2000):
        decided = timezone.localtime(r.confirmed_at).strftime("%Y-%m-%d %H:%M") if r.confirmed_at else ""
        yield (r.volunteer.name, r.volunteer.id_number_masked, r.organization.code, r.organization.name,
               r.activity.title, r.activity.organization.name, r.date, r.hours, r.get_status_display(),
               r.get_source_display(), decided)


def records_workbook(records):
    """The records (a queryset with volunteer, organisation and the activity's organiser selected) as .xlsx."""
    return write_large_xlsx(record_columns(), record_rows(records), sheet_title=_("Service records"))


def _full_names(aliases) -> tuple:
    """For each value, the longest (the full) name the import accepts for it: 居民身份证 rather than 身份证."""
    names = {}
    for name, value in aliases.items():
        if len(name) > len(names.get(value, "")):
            names[value] = name
    return tuple(names.values())


# Column rules of the import templates; headers are the import's (Chinese whatever the interface language).
TEMPLATE_COLUMNS = {
    Kind.VOLUNTEERS: {
        "name": {"width": 12, "help": "必填，最多 50 字。"},
        "gender": {"width": 8, "choices": _full_names(GENDER_ALIASES)},
        "id_type": {"width": 20, "choices": _full_names(ID_TYPE_ALIASES), "help": "留空即为居民身份证。"},
        "id_number": {"width": 22, "help": "必填；同一证件号码只能登记一次。"},
        "mobile": {"width": 14, "help": "11 位手机号，可留空。"},
        "organization": {"width": 24, "help": "组织编码或名称，须在所选导入组织之下；留空即为所选组织。"},
        "political_status": {"width": 12, "choices": _full_names(POLITICAL_ALIASES), "help": "留空即为共青团员。"},
        "registered_on": {"width": 12, "number_format": "yyyy-mm-dd", "kind": "date", "help": "留空即为导入当天。"},
        "platform_number": {"width": 16, "help": "志愿服务平台上的编号，可留空。"},
    },
    Kind.RECORDS: {
        "id_number": {"width": 22, "help": "必填，须是已登记的志愿者。"},
        "activity": {"width": 30, "help": "活动名称；没有的活动按名称新建。"},
        "date": {"width": 12, "number_format": "yyyy-mm-dd", "kind": "date", "help": "必填。"},
        "hours": {"width": 10, "number_format": "0.00", "kind": "decimal", "minimum": 0, "maximum": 24,
                  "help": "必填，一条记录最多 24 小时，最多两位小数。"},
    },
}
TEMPLATE_INSTRUCTIONS = {
    Kind.VOLUNTEERS: ["本表是志愿者的导入模板：每行一名志愿者。",
                      "在“志愿者 → 导入”页面选择“志愿者”和导入到的组织，上传本文件；后台检查后确认导入。"],
    Kind.RECORDS: ["本表是志愿服务记录（时长）的导入模板：每行一名志愿者一天的一项服务。",
                   "在“志愿者 → 导入”页面选择“服务记录”，上传本文件；导入的时长视为已确认。"],
}


def import_template(kind) -> bytes:
    """The empty import template of ``kind`` (volunteers or service records): drop-downs, checks, a locked header
    and the 说明 sheet."""
    headers = VOLUNTEER_COLUMNS if kind == Kind.VOLUNTEERS else RECORD_COLUMNS
    columns = [Column(headers[name], **rules) for name, rules in TEMPLATE_COLUMNS[kind].items()]
    title = "志愿者" if kind == Kind.VOLUNTEERS else "服务记录"
    return write_xlsx(columns, [], sheet_title=title, instructions=TEMPLATE_INSTRUCTIONS[kind])
