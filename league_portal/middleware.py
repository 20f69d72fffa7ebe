"""Request plumbing: the client's address behind trusted proxies, the current role assignment and the
interface language.

The user's current role assignment goes on the request (``request.current_role``).

A user may hold several roles; the page header offers a switch, kept in the session. The
current role decides where pages start (the dashboard, the tree browser, forms' default
organisation); what a user may see is always the union of all their roles.
"""
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_supported_language_variant

from orgs.permissions import role_assignments

SESSION_KEY = "current_role_id"


def current_role(request):
    assignments = role_assignments(request.user)
    if not assignments:
        return None
    chosen = request.session.get(SESSION_KEY)
    return next((ra for ra in assignments if ra.pk == chosen), assignments[0])


class CurrentOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_role = SimpleLazyObject(lambda: current_role(request))
        return self.get_response(request)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language with the switch (kept in a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a league portal speaks
    Chinese to everyone by default, whatever language the office computer's browser was set to.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Headers a reverse proxy writes; from anyone else they are the client's own words and are dropped.
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_REAL_IP", "HTTP_FORWARDED",
                     # the proxy's request id (league_portal.logs): a client does not choose what its log lines say
                     "HTTP_X_REQUEST_ID")


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, proxies):
    return address is not None and any(address in network for network in _networks(tuple(proxies)))


def client_address(meta, proxies):
    """The client's address: REMOTE_ADDR, or when that is a trusted proxy, the last address of X-Forwarded-For
    that is not one (each trusted proxy appends the address it was reached from; what comes before the first
    untrusted hop was written by the client and is never believed)."""
    client = meta.get("REMOTE_ADDR", "")
    if not _trusted(_address(client), proxies):
        return client
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break
        client = str(address)
        if not _trusted(address, proxies):
            break
    return client


class TrustedProxyMiddleware:
    """Sets REMOTE_ADDR to the client behind the proxies of ``TRUSTED_PROXIES`` (addresses or CIDR blocks).

    Behind a reverse proxy every request comes from the proxy's address: axes would lock an account for everybody
    after five failures from anyone, and the API's throttles would count all clients as one. A request that does
    not come from a trusted proxy keeps its REMOTE_ADDR and loses its X-Forwarded-* headers, so a client can
    neither choose its address nor claim HTTPS (SECURE_PROXY_SSL_HEADER) by sending them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if _trusted(_address(meta.get("REMOTE_ADDR", "")), settings.TRUSTED_PROXIES):
            meta["REMOTE_ADDR"] = client_address(meta, settings.TRUSTED_PROXIES)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
