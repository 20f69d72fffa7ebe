"""Export of the organisation tree in the import format, so that an export re-imports unchanged, and the empty
import template."""
from core.spreadsheets import write_csv, write_xlsx

from .importers import CHOICE_FIELDS, EXPORT_COLUMNS, TEMPLATE_INSTRUCTIONS, choice_label, sheet_columns
from .models import Organization


def tree_rows(organizations):
    """Rows in the import column order for ``organizations`` (a queryset), parents first."""
    organizations = list(organizations.order_by("path"))
    code_by_path = {o.path: o.code for o in organizations}
    outside = {o.parent_path for o in organizations if o.parent_path and o.parent_path not in code_by_path}
    code_by_path.update(Organization.objects.filter(path__in=outside).values_list("path", "code"))
    labels = {
        name: {value: choice_label(choices, value) for value in choices.values}
        for name, choices in CHOICE_FIELDS.items()
    }
    for org in organizations:
        yield (
            org.code,
            org.name,
            code_by_path.get(org.parent_path, ""),
            labels["level"][org.level],
            labels["kind"][org.kind],
            labels["sector"][org.sector],
            org.member_count,
            org.youth_count,
        )


def export_tree(organizations, file_format: str) -> bytes:
    rows = tree_rows(organizations)
    if file_format == "csv":
        return write_csv(EXPORT_COLUMNS, rows)
    return write_xlsx(sheet_columns(), rows, sheet_title="组织架构")


def import_template() -> bytes:
    """The import format with no rows: drop-downs, a locked header and the 说明 sheet."""
    return write_xlsx(sheet_columns(), [], sheet_title="组织架构", instructions=TEMPLATE_INSTRUCTIONS)
