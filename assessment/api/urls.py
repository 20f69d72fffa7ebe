from rest_framework.routers import DefaultRouter

from .views import (
    AdjustmentViewSet,
    AppealViewSet,
    IndicatorViewSet,
    ManualPointsViewSet,
    RunViewSet,
    SchemeViewSet,
    ScoreViewSet,
)

router = DefaultRouter()
router.include_root_view = False  # /api/v1/ is answered by the first app's router
router.register("assessment-schemes", SchemeViewSet)
router.register("indicators", IndicatorViewSet)
router.register("assessment-runs", RunViewSet)
router.register("scores", ScoreViewSet)
router.register("manual-points", ManualPointsViewSet)
router.register("adjustments", AdjustmentViewSet)
router.register("appeals", AppealViewSet)

urlpatterns = router.urls
