from rest_framework.routers import DefaultRouter

from .views import AssignmentViewSet, PlanViewSet, ProgressEntryViewSet, SectionViewSet, TargetViewSet, WorkPointViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet)
router.register("sections", SectionViewSet)
router.register("work-points", WorkPointViewSet)
router.register("targets", TargetViewSet)
router.register("assignments", AssignmentViewSet)
router.register("progress-entries", ProgressEntryViewSet)

urlpatterns = router.urls
