"""URL configuration: pages, the REST API under /api/v1/, its schema and docs, health."""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessment.urls import legacy_urlpatterns as assessment_moved_from_plans
from dashboard.views import start
from orgs.api.views import MeView
from reports.urls import moved_from_plans

from . import health, views


def superusers_only(request):
    """Django admin is for system administrators. Committee administrators work in the portal's
    own pages, which the permission layer scopes by the tree; Django admin is not scoped."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only
admin.site.site_header = admin.site.site_title = settings.PORTAL_NAME

api_v1 = [
    path("", include("orgs.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("assessment.api.urls")),
    path("", include("volunteers.api.urls")),
    path("", include("notifications.api")),
    path("", include("dashboard.api")),
    path("me/", MeView.as_view(), name="me"),
    path("auth/", include("accounts.api")),
]

urlpatterns = [
    path("", start, name="home"),
    path("dashboard/", include("dashboard.urls")),
    path("switch-role/", views.switch_role, name="switch_role"),
    path("orgs/", include("orgs.urls")),
    path("audit/", include("orgs.audit_urls")),
    path("plans/reports/", include(moved_from_plans)),  # the reports' old addresses: permanent redirects
    path("plans/", include(assessment_moved_from_plans)),  # the assessment's old addresses: permanent redirects
    path("plans/", include("plans.urls")),
    path("reports/", include("reports.urls")),
    path("assessment/", include("assessment.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path("healthz/live", health.live, name="healthz_live"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    path("healthz", health.ready, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
# Uploads are never served under MEDIA_URL, not even with DEBUG on: every file has a view that checks the
# right to see what it belongs to (plans:evidence_download, reports:attachment_download, assessment:appeal_evidence,
# notifications:download).

handler400 = "league_portal.views.bad_request"
handler403 = "league_portal.views.permission_denied"
handler404 = "league_portal.views.page_not_found"
handler500 = "league_portal.views.server_error"
