from rest_framework.routers import DefaultRouter

from .views import DepartmentViewSet, OrganizationViewSet, RoleAssignmentViewSet, UserViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet)
router.register("departments", DepartmentViewSet)
router.register("role-assignments", RoleAssignmentViewSet)
router.register("users", UserViewSet, basename="user")

urlpatterns = router.urls
