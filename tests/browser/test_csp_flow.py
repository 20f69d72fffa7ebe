"""The Content-Security-Policy, enforced, against the real pages in Chromium: each role walks the pages its menu and
start page link to (and the pages those link to), expands the tree, opens the bell, points at a chart and opens the
API docs; no page may break the policy (no inline script, no inline handler, nothing from elsewhere).

A violation shows twice: the document's ``securitypolicyviolation`` event (recorded by a script added before any
page script) and Chromium's console message; both are collected and must stay empty.
"""
import re
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""
# Links the walk does not follow: files to download, writes behind GET-looking links, other sites' pages.
SKIPPED = re.compile(r"export|\.xlsx|\.csv|\.pdf|\.docx|\.json|download|circular|certificate|sheet|ledger|logout|"
                     r"/admin/|/i18n/|/media/|evidence|attachment|offline|template|switch-role|/api/v1/|/schema")
PAGES_PER_ROLE = 30


@pytest.fixture
def enforced(settings):
    settings.CONTENT_SECURITY_POLICY = settings.CSP_POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None


@pytest.fixture
def watched(page):
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    return console


def violations(page, console):
    recorded = page.evaluate("window.__csp || []")
    return recorded + console


def walk(page, console, live_server, start="/"):
    """Breadth-first over same-site links from ``start``; returns the paths seen and the violations on each."""
    seen, queue, found = set(), [start], {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        console.clear()
        response = page.goto(live_server.url + path)
        assert response.ok, (path, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if found_here := violations(page, console):
            found[path] = found_here
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            url = urlsplit(urljoin(live_server.url + path, href))
            if url.netloc == urlsplit(live_server.url).netloc and not SKIPPED.search(url.path) and not SKIPPED.search(url.query) and \
                    not page.locator(f'a[href="{href}"][download]').count():
                target = url.path + (f"?{url.query}" if url.query else "")
                if target not in seen:
                    queue.append(target)
    return seen, found


@pytest.mark.parametrize("username", ["demo_leader", "demo_admin", "demo_staff", "demo_reporter", "demo_assessor"])
def test_the_pages_keep_the_enforced_policy(page, watched, demo, login, live_server, enforced, username):
    login(page, username)
    seen, found = walk(page, watched, live_server)
    assert len(seen) >= 10, seen
    assert found == {}, found


def test_the_interactive_parts_keep_the_enforced_policy(page, watched, demo, login, live_server, enforced, shot):
    login(page, "demo_leader")
    page.locator("#bell button").click()  # htmx loads the bell's menu
    page.wait_for_selector("#bell-menu .dropdown-item")
    page.wait_for_function("[...document.querySelectorAll('.chart[data-chart-url]')].every("
                           "c => c.querySelector('canvas') || c.classList.contains('d-none'))")
    chart = page.locator(".chart[data-chart-url] canvas").first
    chart.hover()  # ECharts' tooltip writes its own markup (style attributes: style-src allows them)
    page.goto(f"{live_server.url}/orgs/")
    page.locator("#org-tree .tree-toggle[aria-expanded]").first.click()  # htmx loads the children, data-tree-toggle
    page.wait_for_selector("#org-tree tr[data-parent]")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    shot(page, "csp-api-docs")
    assert violations(page, watched) == []
