"""Star levels (星级) from cumulative confirmed hours: the pure rule, and the scale that applies where."""
from decimal import Decimal

from .models import DEFAULT_STAR_HOURS, StarScale

DEFAULT_SCALE = tuple(Decimal(h) for h in DEFAULT_STAR_HOURS)


def star_for(hours, thresholds=DEFAULT_SCALE) -> int:
    """The star level of ``hours`` confirmed hours: the number of thresholds reached (100 hours is one star)."""
    return sum(1 for t in thresholds if Decimal(hours) >= Decimal(t))


def hours_to_next_star(hours, thresholds=DEFAULT_SCALE) -> tuple[int, Decimal] | None:
    """(the next star level, the hours still needed for it), or None at five stars."""
    star = star_for(hours, thresholds)
    if star >= len(thresholds):
        return None
    return star + 1, Decimal(thresholds[star]) - Decimal(hours)


def scale_for(organization) -> tuple:
    """The thresholds that apply in ``organization``: those of the nearest organisation at or above it that
    has a scale, else the default."""
    paths = [organization.path[:end] for end in range(organization.steplen, len(organization.path) + 1,
                                                      organization.steplen)]
    scale = (StarScale.objects.filter(organization__path__in=paths)
             .order_by("-organization__depth").first())
    return scale.thresholds if scale else DEFAULT_SCALE
