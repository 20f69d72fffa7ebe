from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.organization_search, name="organization_search"),
    path("export/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    path("import/jobs/<int:pk>/apply/", views.import_job_apply, name="import_job_apply"),
    path("<int:pk>/", views.organization_detail, name="organization_detail"),
    path("<int:pk>/children/", views.children, name="organization_children"),
    path("<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("<int:pk>/move/", views.organization_move, name="organization_move"),
    path("<int:parent_pk>/add/", views.organization_create, name="organization_create"),
    path("<int:pk>/departments/", views.department_add, name="department_add"),
    path("<int:pk>/departments/<int:department_pk>/remove/", views.department_remove, name="department_remove"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/grant/", views.user_bulk_grant, name="user_bulk_grant"),
    path("users/search/", views.user_search, name="user_search"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
]
