from rest_framework.routers import DefaultRouter

from .reports import MonthlyReportViewSet, ReportFieldViewSet, ReportingRuleViewSet
from .views import AssignmentViewSet, PlanViewSet, ProgressEntryViewSet, SectionViewSet, TargetViewSet, WorkPointViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet)
router.register("sections", SectionViewSet)
router.register("work-points", WorkPointViewSet)
router.register("targets", TargetViewSet)
router.register("assignments", AssignmentViewSet)
router.register("progress-entries", ProgressEntryViewSet)
router.register("reporting-rules", ReportingRuleViewSet)
router.register("report-fields", ReportFieldViewSet)
router.register("monthly-reports", MonthlyReportViewSet)

urlpatterns = router.urls
