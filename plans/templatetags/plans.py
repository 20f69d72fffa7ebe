"""Template helpers of planning pages: the status light (红黄绿灯) of a target or plan."""
from django import template

from ..choices import Light

register = template.Library()

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
    light = light or Light.NOT_STARTED
    return {"light": light, "label": Light(light).label, "css": LIGHT_CLASSES.get(light, "text-bg-secondary")}


