from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/revoke-all/", views.token_revoke_all, name="token_revoke_all"),
    path("tokens/<str:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
