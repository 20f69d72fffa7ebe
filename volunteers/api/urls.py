"""The volunteer registry's API under /api/v1/: the same querysets, filtersets and masking as the pages."""
from rest_framework.routers import DefaultRouter

from .registry import StarScaleViewSet, UnmaskEventViewSet, VolunteerViewSet
from .statistics import VolunteerStatisticViewSet

router = DefaultRouter()
# registry
router.register("volunteers", VolunteerViewSet)
router.register("unmask-events", UnmaskEventViewSet)
router.register("star-scales", StarScaleViewSet)

# activities and service records

# imports and certificates

# statistics
router.register("volunteer-statistics", VolunteerStatisticViewSet)

urlpatterns = router.urls
