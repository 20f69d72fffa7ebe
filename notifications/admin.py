from django.contrib import admin

from .models import Download, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "read_at", "emailed_at"]
    search_fields = ["title", "user__username", "key"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at"]
    raw_id_fields = ["user"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "changed_at"]
    raw_id_fields = ["user"]
