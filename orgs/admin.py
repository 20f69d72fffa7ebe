"""Django admin for system administrators (superusers) only; see league_portal.urls."""
from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core.admin import ReadOnlyAdmin

from .models import AuditEntry, Department, Organization, OrganizationMove, RoleAssignment


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "code", "level", "kind", "sector", "member_count", "youth_count", "is_active"]
    list_filter = ["level", "kind", "sector", "is_active"]
    search_fields = ["name", "short_name", "code"]
    readonly_fields = ["created_at"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "display_order"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "granted_by", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name", "organization__code"]
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(OrganizationMove)
class OrganizationMoveAdmin(admin.ModelAdmin):
    list_display = ["organization", "old_parent_name", "new_parent_name", "moved_by", "moved_at", "reason"]
    readonly_fields = [f.name for f in OrganizationMove._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: audit rows are written by the services and removed only by the retention task."""

    list_display = ["at", "actor_name", "address", "action", "object_repr", "organization"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_repr", "note", "address"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
