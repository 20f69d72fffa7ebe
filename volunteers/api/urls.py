"""The volunteer registry's API under /api/v1/: the same querysets, filtersets and masking as the pages."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from .activities import ActivityViewSet, ServiceRecordViewSet, SignInViewSet, SignupViewSet
from .registry import StarScaleViewSet, UnmaskEventViewSet, VolunteerViewSet
from .statistics import VolunteerStatisticViewSet
from .transfer import CertificateViewSet, ServiceRecordExportView, VolunteerImportViewSet

router = DefaultRouter()
# registry
router.register("volunteers", VolunteerViewSet)
router.register("unmask-events", UnmaskEventViewSet)
router.register("star-scales", StarScaleViewSet)

# activities and service records
router.register("activities", ActivityViewSet)
router.register("signups", SignupViewSet)
router.register("service-records", ServiceRecordViewSet)
router.register("sign-ins", SignInViewSet)

# imports and certificates
router.register("volunteer-imports", VolunteerImportViewSet)
router.register("certificates", CertificateViewSet)

# statistics
router.register("volunteer-statistics", VolunteerStatisticViewSet)

urlpatterns = [
    # before the router's routes, where "export" would be read as a record's id
    path("service-records/export/", ServiceRecordExportView.as_view(), name="servicerecord-export"),
    *router.urls,
]
