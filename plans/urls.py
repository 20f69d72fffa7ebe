from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("import/", views.plan_import, name="plan_import"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("<int:pk>/ledger/import/", views.ledger_import, name="ledger_import"),
    path("<int:pk>/sections/new/", views.section_add, name="section_add"),
    path("sections/<int:pk>/points/new/", views.point_add, name="point_add"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/targets/new/", views.target_add, name="target_add"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("points/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("assignments/<int:pk>/children/", views.assignment_children, name="assignment_children"),
    path("assignments/<int:pk>/progress/", views.record_progress, name="record_progress"),
    path("assignments/<int:pk>/decompose/", views.decompose, name="decompose"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
