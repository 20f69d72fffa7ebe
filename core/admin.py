"""Django admin pieces every app shares."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """A table the admin shows and never writes (audit rows, deliveries, stored circulars): what is in it is made by
    the services alone."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StoredFileInline(admin.TabularInline):
    """Uploaded files (core.files.StoredFile) listed read-only, each linked to the view that checks the right to
    see what it belongs to: uploads are never served under MEDIA_URL, so a plain file field would be a dead
    link. New files come only through the pages and the API, which check their content."""

    extra = 0
    can_delete = False
    download_url_name = ""  # the URL name of the checked download view, taking the file's pk
    fields = readonly_fields = ["download", "content_type", "size", "sha256", "uploaded_at"]

    @admin.display(description=_("file"))
    def download(self, stored):
        return format_html('<a href="{}">{}</a>', reverse(self.download_url_name, args=[stored.pk]), stored.original_name)

    def has_add_permission(self, request, obj=None):
        return False
