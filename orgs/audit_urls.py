"""The audit log's pages, at /audit/: the log of the administrator's part of the tree and the log of one object."""
from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="entry_list"),
    path("<str:model>/<int:pk>/", views.audit_object, name="object_log"),
]
