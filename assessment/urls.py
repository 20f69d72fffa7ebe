"""Pages of the monthly assessment, under /assessment/; and the permanent redirects from their old
addresses under /plans/, which notifications stored before the move still link to."""
from django.urls import path, re_path, register_converter, reverse

from core.dates import MonthConverter
from core.redirects import moved_page, moved_to

from . import views

app_name = "assessment"
register_converter(MonthConverter, "month")

urlpatterns = [
    path("scores/mine/", views.my_scores, name="my_scores"),
    path("scores/<int:pk>/", views.score_detail, name="score_detail"),
    path("scores/<int:pk>/trend.json", views.score_trend, name="score_trend"),
    path("scores/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/compute/", views.scheme_compute, name="scheme_compute"),
    path("schemes/<int:pk>/preview/", views.scheme_preview, name="scheme_preview"),
    path("schemes/<int:pk>/year.xlsx", views.scheme_year_sheet, name="scheme_year_sheet"),
    path("schemes/<int:scheme_pk>/<month:month>/<str:code>/", views.score_page, name="score_page"),
    path("schemes/<int:scheme_pk>/indicators/new/", views.indicator_edit, name="indicator_add"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/step/", views.run_step, name="run_step"),
    path("runs/<int:pk>/sheet.xlsx", views.run_sheet, name="run_sheet"),
    path("runs/<int:pk>/entries/", views.run_entries, name="run_entries"),
    path("adjustments/<int:pk>/delete/", views.adjustment_delete, name="adjustment_delete"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("appeals/evidence/<int:pk>/", views.appeal_evidence, name="appeal_evidence"),
]


@moved_page
def moved(request, rest):
    """The same page at its new address (/plans/schemes/… → /assessment/schemes/…)."""
    return moved_to(request, reverse("assessment:scheme_list").removesuffix("schemes/") + rest)


# included under /plans/ by the project's URLs, before the plans app's own
legacy_urlpatterns = [
    re_path(r"^(?P<rest>(?:schemes|runs|scores|indicators|adjustments|appeals)/.*)$", moved),
]
