"""Pages of the volunteer registry under /volunteers/ (views in volunteers/views/, one module per area)."""
from django.urls import path

from .views import registry, statistics

app_name = "volunteers"

urlpatterns = [
    # registry: volunteers, their history, reveal and the audit trail
    path("", registry.volunteer_list, name="volunteer_list"),
    path("export/", registry.volunteer_export, name="volunteer_export"),
    path("new/", registry.volunteer_create, name="volunteer_create"),
    path("<int:pk>/", registry.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/edit/", registry.volunteer_edit, name="volunteer_edit"),
    path("<int:pk>/move/", registry.volunteer_move, name="volunteer_move"),
    path("<int:pk>/leave/", registry.volunteer_leave, name="volunteer_leave"),
    path("<int:pk>/reveal/", registry.volunteer_reveal, name="volunteer_reveal"),
    path("personal-data-views/", registry.unmask_list, name="unmask_list"),
    path("star-scale/<int:pk>/", registry.star_scale, name="star_scale"),

    # activities: sign-up, the sign-in QR code, confirming hours, a volunteer's own page

    # imports, exports and certificates

    # statistics
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/data/", statistics.statistics_data, name="statistics_data"),
]
