"""The user's own API tokens page: list, create (the key shown once), revoke one or all."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from knox.settings import knox_settings

from . import selectors, services


def _token_page(request, new_key=None, new_token=None):
    return render(request, "accounts/token_list.html", {
        "tokens": selectors.own_tokens(request.user), "new_key": new_key, "new_token": new_token,
        "lifetime_hours": knox_settings.TOKEN_TTL.total_seconds() / 3600,
    })


@login_required
def token_list(request):
    return _token_page(request)


@login_required
@require_POST
def token_create(request):
    # Rendered, not redirected: the key must not travel through a cookie or the session store.
    token, key = services.issue_token(by=request.user)
    return _token_page(request, new_key=key, new_token=token)


@login_required
@require_POST
def token_revoke(request, token_id):
    services.revoke_token(selectors.own_token(request.user, token_id), by=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")


@login_required
@require_POST
def token_revoke_all(request):
    count = services.revoke_all_tokens(by=request.user)
    messages.success(request, ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", count) % {"count": count})
    return redirect("accounts:token_list")
