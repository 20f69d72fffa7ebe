"""The tables of the organisation app's list pages: organisations (a search's results, an organisation's children),
users with their roles, and the audit log."""
import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.tables import PortalTable, selection_column

from .permissions import has_audit_page


class OrganizationTable(PortalTable):
    """Organisations with their subtree's totals (``Organization.objects.with_subtree_totals()``)."""

    name = tables.Column(verbose_name=_("Name"), linkify=True, order_by=("name", "path"))
    code = tables.Column(verbose_name=_("Code"), order_by=("code",))
    level = tables.Column(verbose_name=_("Level"), order_by=("depth", "path"))
    kind = tables.Column(verbose_name=pgettext_lazy("organisation", "Kind"), order_by=("kind", "path"))
    subtree_members = tables.Column(verbose_name=_("Members in subtree"), attrs={"td": {"class": "num"}},
                                    order_by=("subtree_members", "path"))
    organizations_below = tables.Column(verbose_name=pgettext_lazy("count", "Organisations below"),
                                        attrs={"td": {"class": "num"}}, order_by=("organizations_below", "path"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"), yesno=(_("Yes"), _("No")), order_by=("is_active", "path"))

    export_name = _("Organisations")
    export_widths = {"name": 30, "code": 14}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "org-tree"}

    def render_code(self, value):
        return format_html("<code>{}</code>", value)

    def value_code(self, value):
        return value

    def render_level(self, record):
        return record.get_level_display()

    def render_kind(self, record):
        return record.get_kind_display()

    def value_is_active(self, value):
        return str(_("Yes") if value else _("No"))


class ChildrenTable(OrganizationTable):
    """An organisation's children on its detail page: the same columns, exported as that organisation's list."""

    export_name = _("Child organisations")

    class Meta(OrganizationTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "children"}
        empty_text = _("No child organisations.")


class UserTable(PortalTable):
    """Accounts with the roles the viewer sees (``visible_users`` with ``visible_roles`` prefetched)."""

    selected = selection_column("bulk-grant")
    username = tables.Column(verbose_name=_("User name"), linkify=("orgs:user_detail", {"pk": tables.A("pk")}),
                             order_by=("username",))
    first_name = tables.Column(verbose_name=_("Full name"), order_by=("first_name", "username"))
    roles = tables.Column(verbose_name=_("Roles"), accessor="pk", orderable=False)
    last_login = tables.Column(verbose_name=_("Last login"), order_by=("last_login", "username"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"), yesno=(_("Yes"), _("No")),
                                     order_by=("is_active", "username"))

    export_name = _("Users")
    export_widths = {"username": 16, "roles": 50, "last_login": 17}
    export_formats = {"last_login": "yyyy-mm-dd hh:mm"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "user-table"}

    def render_roles(self, record):
        return format_html_join(" ", '<span class="badge text-bg-light border">{} · {}</span>',
                                ((r.organization.display_name, r.get_role_display()) for r in record.visible_roles))

    def value_roles(self, record):
        return "; ".join(f"{r.organization.display_name} · {r.get_role_display()}" for r in record.visible_roles)

    def render_last_login(self, record, value):
        # e-mail and last log-in are shown only of accounts the viewer fully covers (orgs.selectors.manageable)
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if record.is_manageable and value else "—"

    def value_last_login(self, record):
        return record.last_login if record.is_manageable else None

    def value_is_active(self, value):
        return str(_("Yes") if value else _("No"))


class AuditEntryTable(PortalTable):
    """The audit log (``AuditEntry.objects.restrict(user)``), newest first."""

    at = tables.Column(verbose_name=_("Time"), order_by=("at", "pk"))
    actor_name = tables.Column(verbose_name=_("By"), order_by=("actor_name", "at"), empty_values=())
    address = tables.Column(verbose_name=_("Client address"), orderable=False)
    action = tables.Column(verbose_name=_("Action"), order_by=("action", "at"))
    object_repr = tables.Column(verbose_name=_("Object"), orderable=False)
    organization = tables.Column(verbose_name=_("Organisation"), accessor="organization__name", orderable=False)
    changes = tables.Column(verbose_name=_("Changes"), orderable=False)
    note = tables.Column(verbose_name=_("Note"), orderable=False)

    export_name = _("Audit log")
    export_widths = {"at": 17, "object_repr": 30, "organization": 24, "changes": 60, "note": 30}
    export_formats = {"at": "yyyy-mm-dd hh:mm:ss"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "audit-table"}
        order_by = ("-at",)
        # what was done to what comes first, so that a phone shows it before the table scrolls
        sequence = ("at", "action", "object_repr", "actor_name", "changes", "organization", "address", "note")

    def render_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"

    def render_actor_name(self, value):
        return value or _("system")

    def value_actor_name(self, value):
        return value or str(_("system"))

    def render_action(self, record):
        return record.get_action_display()

    def value_action(self, record):
        return str(record.get_action_display())

    def render_object_repr(self, record, value):
        if record.content_type_id and record.object_id and has_audit_page(record.content_type.model_class()):
            url = reverse("audit:object_log", args=[f"{record.content_type.app_label}.{record.content_type.model}",
                                                    record.object_id])
            return format_html('<a href="{}">{}</a>', url, value)
        return value

    def render_changes(self, record):
        return format_html_join(mark_safe("<br>"), "<span class=\"text-muted\">{}</span>: {}", change_lines(record))

    def value_changes(self, record):
        return "; ".join(f"{name}: {text}" for name, text in change_lines(record))


def _shown(field, value):
    if value in (None, ""):
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def change_lines(entry):
    """(field label, "old → new") for each change an audit row records; a secret field's as "changed"."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    for name, values in (entry.changes or {}).items():
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        if isinstance(values, list) and len(values) == 2:
            yield label, f"{_shown(field, values[0])} → {_shown(field, values[1])}"
        else:
            yield label, str(pgettext_lazy("audit", "changed (value not recorded)"))
