from rest_framework.routers import DefaultRouter

from .views import MonthlyReportViewSet, ReportFieldViewSet, ReportingRuleViewSet

router = DefaultRouter()
router.register("reporting-rules", ReportingRuleViewSet)
router.register("report-fields", ReportFieldViewSet)
router.register("monthly-reports", MonthlyReportViewSet)

urlpatterns = router.urls
