from rest_framework.routers import DefaultRouter

from .assessment import (
                         AdjustmentViewSet,
                         AppealViewSet,
                         IndicatorViewSet,
                         ManualPointsViewSet,
                         RunViewSet,
                         SchemeViewSet,
                         ScoreViewSet,
)
from .views import AssignmentViewSet, PlanViewSet, ProgressEntryViewSet, SectionViewSet, TargetViewSet, WorkPointViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet)
router.register("sections", SectionViewSet)
router.register("work-points", WorkPointViewSet)
router.register("targets", TargetViewSet)
router.register("assignments", AssignmentViewSet)
router.register("progress-entries", ProgressEntryViewSet)
router.register("assessment-schemes", SchemeViewSet)
router.register("indicators", IndicatorViewSet)
router.register("assessment-runs", RunViewSet)
router.register("scores", ScoreViewSet)
router.register("manual-points", ManualPointsViewSet)
router.register("adjustments", AdjustmentViewSet)
router.register("appeals", AppealViewSet)

urlpatterns = router.urls
