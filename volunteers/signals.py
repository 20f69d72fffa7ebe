"""Signals the volunteers app sends; apps above it (plans) listen, so that volunteers imports none of them."""
from django.dispatch import Signal

# Sent after volunteer statistics were recomputed, with ``months`` (first days; None for every month): targets
# bound to a volunteer figure fill themselves from them.
statistics_refreshed = Signal()
