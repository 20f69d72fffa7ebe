from rest_framework.routers import DefaultRouter

from .views import (
    AuditEntryViewSet,
    DepartmentViewSet,
    ImportJobViewSet,
    OrganizationViewSet,
    RoleAssignmentViewSet,
    UserViewSet,
)

router = DefaultRouter()
router.register("organizations", OrganizationViewSet)
router.register("departments", DepartmentViewSet)
router.register("role-assignments", RoleAssignmentViewSet)
router.register("users", UserViewSet, basename="user")
router.register("import-jobs", ImportJobViewSet)
router.register("audit", AuditEntryViewSet)

urlpatterns = router.urls
