"""Template helpers of the portal's pages."""
from django import template

register = template.Library()

_SELECTS = {"select", "nullbooleanselect", "selectmultiple"}


@register.filter
def bootstrap(field):
    """Render a bound form field with Bootstrap's classes, marking it invalid when it has errors."""
    widget = field.field.widget
    kind = field.widget_type
    css = "form-check-input" if kind == "checkbox" else "form-select" if kind in _SELECTS else "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    return field.as_widget(attrs=attrs)
