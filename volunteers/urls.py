"""Pages of the volunteer registry under /volunteers/ (views in volunteers/views/, one module per area)."""
from django.urls import path

from .views import activities, mine, registry, statistics, transfer

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
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/signups/add/", activities.activity_signup_add, name="activity_signup_add"),
    path("activities/<int:pk>/signups/<int:signup_pk>/cancel/", activities.activity_signup_cancel,
         name="activity_signup_cancel"),
    path("activities/<int:pk>/records/add/", activities.activity_record_add, name="activity_record_add"),
    path("activities/<int:pk>/records/decide/", activities.activity_records_decide, name="activity_records_decide"),
    path("activities/<int:pk>/sign-in/", activities.activity_signin, name="activity_signin"),
    path("activities/<int:pk>/sign-in/code/", activities.activity_signin_code, name="activity_signin_code"),
    path("activities/<int:pk>/scan/", activities.scan, name="scan"),
    path("me/", mine.my_page, name="my_page"),
    path("me/sign-up/<int:pk>/", mine.my_sign_up, name="my_sign_up"),
    path("me/sign-ups/<int:pk>/cancel/", mine.my_cancel, name="my_cancel"),

    # imports, exports and certificates
    path("import/", transfer.import_upload, name="import_upload"),
    path("import/template/<str:kind>.xlsx", transfer.import_template_download, name="import_template"),
    path("import/<int:pk>/", transfer.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", transfer.import_progress, name="import_progress"),
    path("import/<int:pk>/apply/", transfer.import_apply, name="import_apply"),
    path("records/", transfer.record_list, name="record_list"),
    path("records/export/", transfer.record_export, name="record_export"),
    path("<int:pk>/certificate/", transfer.certificate_issue, name="certificate_issue"),
    path("my-certificate/", transfer.my_certificate, name="my_certificate"),
    path("verify/<str:code>/", transfer.certificate_verify, name="certificate_verify"),

    # statistics
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/data/", statistics.statistics_data, name="statistics_data"),
]
