"""Decomposition values from a spreadsheet: 组织编码 and 分解目标值 (and 完成时限) per row."""
from django.utils.translation import gettext as _

from core.spreadsheets import Table, parse_amount, parse_date
from orgs.models import Organization
from orgs.permissions import Action

CODE, VALUE, DEADLINE = "组织编码", "分解目标值", "完成时限"


def parts_from_table(table: Table, parent, user):
    """(parts, errors): parts as (organisation, value, deadline); errors as (row, column, message)."""
    errors, parts, seen = [], [], {}
    for header in (CODE, VALUE):
        if header not in table.headers:
            errors.append((1, header, _("The column is missing from the header row.")))
    if errors:
        return [], errors
    below = Organization.objects.within(parent.organization, include_self=False).restrict(user, Action.VIEW)
    codes = {str(cells.get(CODE) or "").strip() for _row, cells in table.rows}
    organizations = {o.code: o for o in below.filter(code__in=codes)}
    for row, cells in table.rows:
        code = str(cells.get(CODE) or "").strip()
        if isinstance(cells.get(CODE), float) and cells[CODE].is_integer():
            code = str(int(cells[CODE]))
        organization = organizations.get(code)
        if organization is None:
            errors.append((row, CODE, _("“%(code)s” is not an organisation below %(parent)s.") % {"code": code, "parent": parent.organization.name}))
            continue
        if code in seen:
            errors.append((row, CODE, _("Duplicate code, first used in row %(row)d.") % {"row": seen[code]}))
            continue
        seen[code] = row
        value, message = parse_amount(cells.get(VALUE))
        if message or (value is None and parent.target_id):
            errors.append((row, VALUE, message or _("The value is missing.")))
            continue
        deadline = None
        if cells.get(DEADLINE) not in (None, ""):
            deadline, message = parse_date(cells.get(DEADLINE))
            if message:
                errors.append((row, DEADLINE, message))
                continue
        parts.append((organization, value, deadline))
    return parts, errors
