"""Browser tests drive Debian's Chromium through Playwright and save screenshots in tests/artifacts/."""
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # the pages' own scripts keep the enforced policy (tests/browser/test_csp_flow.py, which asks for ``enforced``);
    # elsewhere the tests' own probes (wait_for_function, injected axe-core) may run beside it
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  bypass_csp="enforced" not in request.fixturenames)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(transactional_db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", password="browser-test-pw", stdout=StringIO())


@pytest.fixture
def login(live_server):
    def do(page, username, password="browser-test-pw"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
    return do


@pytest.fixture
def pick():
    """Choose in a picker (static/js/pickers.js): type ``typed`` into the search box of the field ``field_id``, wait for
    the server's answer to the whole text and click the offered option that shows ``choose`` (by default what was
    typed). Returns the dropdown."""
    def do(page, field_id, typed, choose=None):
        dropdown = search_picker(page, field_id, typed)
        dropdown.locator(".option", has_text=choose or typed).first.click()
        page.wait_for_function("id => document.getElementById(id).value !== ''", arg=field_id)
        return dropdown
    return do


def search_picker(page, field_id, typed):
    """Type ``typed`` into a picker and wait until the answer to it is shown; returns the dropdown."""
    def answers(response):
        query = parse_qs(urlparse(response.url).query)
        return "/search/" in response.url and query.get("q") == [typed]

    with page.expect_response(answers):
        open_picker(page, field_id).press_sequentially(typed)
    dropdown = page.locator(f"#{field_id}-ts-dropdown")
    dropdown.locator(".picker-loading").wait_for(state="detached")
    return dropdown


def open_picker(page, field_id):
    """Focus a picker's search box (hidden off screen while a choice is shown, until the box is clicked)."""
    page.locator(f"[data-picker-for={field_id}] .ts-control").click()
    control = page.locator(f"#{field_id}-ts-control")
    control.wait_for()
    return control
