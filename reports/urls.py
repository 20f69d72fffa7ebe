from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.my_reports, name="my_reports"),
    path("start/", views.report_start, name="report_start"),
    path("grid/", views.report_grid_page, name="report_grid"),
    path("review/", views.report_list, name="report_list"),
    path("review/approve/", views.report_bulk_approve, name="report_bulk_approve"),
    path("export.xlsx", views.report_export, name="report_export"),
    path("template.xlsx", views.report_template, name="report_template"),
    path("upload/", views.report_upload, name="report_upload"),
    path("settings/", views.report_settings, name="report_settings"),
    path("settings/rules/new/", views.rule_edit, name="rule_add"),
    path("settings/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("settings/fields/new/", views.field_edit, name="field_add"),
    path("settings/fields/<int:pk>/", views.field_edit, name="field_edit"),
    path("settings/<str:kind>/<int:pk>/delete/", views.config_delete, name="config_delete"),
    path("settings/defaults/", views.fields_install_defaults, name="fields_install_defaults"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/review/", views.report_review, name="report_review"),
    path("<int:pk>/autosave/", views.report_autosave, name="report_autosave"),
    path("<int:pk>/copy/", views.report_copy, name="report_copy"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]

# The same pages under /plans/reports/, where they were until the reports app had its own address: each answers
# a permanent redirect to its new address (league_portal.urls mounts these).
moved_from_plans = [path(str(p.pattern), views.moved, {"name": p.name}) for p in urlpatterns]
