from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("menu/", views.notification_menu, name="menu"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("email/", views.notification_email, name="email"),
    path("downloads/<int:pk>/", views.download, name="download"),
    path("settings/", views.notification_settings, name="settings"),
    path("organizations/<int:pk>/channels/", views.organization_channels, name="organization_channels"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
