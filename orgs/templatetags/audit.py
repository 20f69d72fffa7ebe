"""``{% audit_link obj %}``: the button to an object's audit page (操作记录), for those who may read its log."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from orgs.permissions import Action, can

register = template.Library()


def audit_url(obj) -> str:
    return reverse("audit:object_log", args=[f"{obj._meta.app_label}.{obj._meta.model_name}", obj.pk])


@register.simple_tag(takes_context=True)
def audit_link(context, obj, css="btn btn-sm btn-outline-secondary"):
    request = context.get("request")
    if request is None or obj is None or not can(request.user, Action.VIEW_AUDIT, obj):
        return ""
    return format_html('<a class="{}" href="{}">{}</a>', css, audit_url(obj), _("Audit log"))
