from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("<str:ref>/", views.dashboard, name="organization"),
    path("<str:ref>/charts/<slug:name>.json", views.chart, name="chart"),
    path("<str:ref>/circular.<slug:kind>", views.circular_download, name="circular"),
    path("<str:ref>/export.xlsx", views.dashboard_export, name="dashboard_export"),
]
