"""The Content-Security-Policy header, and the templates it relies on: no inline script, no inline event handler.

tests/browser/test_csp_flow.py walks the pages in Chromium with the policy enforced.
"""
import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_the_policy_is_enforced_and_allows_no_inline_script(client, db):
    assert settings.CSP_ENFORCED
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["frame-ancestors"] == directives["object-src"] == "'none'"
    assert directives["form-action"] == directives["base-uri"] == "'self'"


def test_report_only_sends_the_same_policy_under_its_own_header(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CSP_POLICY
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_the_api_docs_load_their_script_from_the_site(client, db):
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)


def test_no_template_has_an_inline_script_or_handler():
    """Behaviour lives in static/js (portal.js reads data-confirm, data-autosubmit, data-select-on-focus and
    data-tree-toggle): an inline <script>, an on…= attribute or a javascript: address would be blocked."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, SCRIPT_URL):
            found += [f"{path.relative_to(TEMPLATES)}: {match.group(0)}" for match in pattern.finditer(text)]
    assert found == []
