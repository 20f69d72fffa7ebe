"""Template helpers of the portal's pages."""
from decimal import Decimal, InvalidOperation

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


LIGHT_CLASSES = {
    "green": "text-bg-success",
    "yellow": "text-bg-warning",
    "red": "text-bg-danger",
    "done": "text-bg-primary",
    "not_started": "text-bg-secondary",
}


@register.inclusion_tag("_light.html")
def light_badge(light):
    """A coloured badge for a status light (红黄绿灯)."""
    from plans.choices import Light

    light = light or Light.NOT_STARTED
    return {"light": light, "label": Light(light).label, "css": LIGHT_CLASSES.get(light, "text-bg-secondary")}


@register.filter
def percent(fraction):
    """0.456 → 46%; None → —."""
    if fraction in (None, ""):
        return "—"
    return f"{float(fraction) * 100:.0f}%"


@register.filter
def bar_width(fraction):
    """A progress bar's width in percent, from 0 to 100."""
    if fraction in (None, ""):
        return 0
    return max(0, min(100, round(float(fraction) * 100)))


@register.filter
def amount(value):
    """A figure to two decimals at most, without trailing zeros: 40.0000 → 40, 62.6909 → 62.69."""
    if value in (None, ""):
        return "—"
    try:
        value = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return value
    return f"{value.normalize():f}"


@register.filter
def get_item(mapping, key):
    """``{{ forms|get_item:assignment.pk }}``: a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None
