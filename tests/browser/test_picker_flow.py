"""The organisation and people pickers in real Chromium: an administrator creates an account and grants it a role
at an organisation found by a part of its Chinese name; an assessor on a phone gives manual points to a branch the
same way; the users page filters by an account found by its name; a typed code from outside is refused."""
import pytest

from assessment.models import AssessmentRun, ManualPoints
from orgs.models import Organization, RoleAssignment
from tests.browser.conftest import search_picker

pytestmark = pytest.mark.browser

BRANCH = "3601010001001"  # 新华中心学校团支部, a school branch in 青川市城东区


def test_an_organisation_is_found_by_its_name_picked_and_saved(page, browser, live_server, demo, login, pick, shot):
    branch = Organization.objects.get(code=BRANCH)
    login(page, "demo_admin")
    page.goto(f"{live_server.url}/orgs/users/new/")
    page.fill("#id_username", "picker_user")
    page.fill("#id_first_name", "王小青")
    page.fill("#id_password", "a-Long-browser-pw1")
    assert page.locator("#id_organization-ts-control").get_attribute("placeholder") == "输入名称、简称或代码搜索"
    dropdown = search_picker(page, "id_organization", "新华中心")
    dropdown.locator(".option", has_text=BRANCH).wait_for()
    assert 0 < dropdown.locator(".option").count() <= 20
    assert all("新华中心" in text for text in dropdown.locator(".option").all_inner_texts())
    assert "青川市" in dropdown.inner_text()  # the names above each match tell namesakes apart
    shot(page, "picker-open-1280")
    dropdown.locator(".option", has_text=BRANCH).click()
    page.select_option("#id_role", "reporter")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/orgs/users/*/")
    role = RoleAssignment.objects.get(user__username="picker_user")
    assert role.organization == branch and role.role == "reporter"

    # the users page's filter picks the account by its name
    page.goto(f"{live_server.url}/orgs/users/")
    pick(page, "id_user", "王小青", "picker_user")
    assert page.locator("#id_user").input_value() == "picker_user"
    page.click("#filter-form button[type=submit]")
    page.wait_for_url("**user=picker_user**")
    assert page.locator("#user-table tbody tr").count() == 1

    # nothing matches: the picker says so
    search_picker(page, "id_within", "不存在的组织")
    page.locator("#id_within-ts-dropdown", has_text="无匹配组织").wait_for()

    # an assessor on a phone gives manual points to the branch, found by name
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN").new_page()
    login(phone, "demo_assessor")
    run = AssessmentRun.objects.get()
    phone.goto(f"{live_server.url}/assessment/runs/{run.pk}/entries/")
    option = search_picker(phone, "id_m-organization", "新华中心").locator(".option", has_text=BRANCH)
    option.wait_for()
    assert "3602" not in phone.locator("#id_m-organization-ts-dropdown").inner_text()  # another city: never offered
    width = phone.evaluate("document.documentElement.scrollWidth")
    shot(phone, "picker-open-375")
    assert width <= 375
    option.click()
    phone.select_option("#id_m-indicator", index=1)
    phone.fill("#id_m-points", "7")
    phone.fill("#id_m-comment", "活动组织规范")
    phone.click("button[name=manual]")
    phone.locator("#manual-list", has_text="活动组织规范").wait_for()
    assert ManualPoints.objects.get(organization=branch, month=run.month, comment="活动组织规范").points == 7


def test_without_javascript_the_picker_is_a_code_field_that_the_form_checks(browser, live_server, demo, login):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    login(page, "demo_assessor")
    run = AssessmentRun.objects.get()
    page.goto(f"{live_server.url}/assessment/runs/{run.pk}/entries/")
    page.fill("#id_a-organization", "3602010001001")  # a branch of another city
    page.select_option("#id_a-kind", "bonus")
    page.fill("#id_a-points", "1")
    page.fill("#id_a-reason", "外市")
    page.click("button[name=adjustment]")
    assert "3602010001001" in page.locator("#id_a-organization + .invalid-feedback, .invalid-feedback").first.inner_text()
    page.fill("#id_a-organization", BRANCH)
    page.fill("#id_a-points", "2")
    page.fill("#id_a-reason", "本市")
    page.click("button[name=adjustment]")
    page.locator("#adjustment-list", has_text="本市").wait_for()
    context.close()


def test_several_exceptions_of_a_reporting_rule_are_picked_by_name(page, live_server, demo, login, pick, shot):
    """The rule's exceptions: a multiple picker below the rule's organisation; each choice stays as an item, the
    field carries their codes, and the saved rule holds both."""
    from reports.models import ReportingRule

    login(page, "demo_staff")
    page.goto(f"{live_server.url}/reports/settings/rules/new/")
    dropdown = pick(page, "id_exception_codes", "新华中心", BRANCH)
    assert "3602" not in dropdown.inner_text()  # another city: never offered
    page.locator("#id_exception_codes-ts-control").fill("")
    other = search_picker(page, "id_exception_codes", "城东").locator(".option").first
    other.wait_for()
    other_code = other.locator(".small").inner_text().split(" · ")[0]
    other.click()
    items = page.locator("[data-picker-for=id_exception_codes] .item")
    assert items.count() == 2
    assert set(page.locator("#id_exception_codes").input_value().split()) == {BRANCH, other_code}
    shot(page, "picker-multiple-1280")
    page.keyboard.press("Escape")  # several may be picked: the list stays open until one leaves it
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reports/settings/**")
    rule = ReportingRule.objects.exclude(exceptions=None).get()
    assert set(rule.exceptions.values_list("code", flat=True)) == {BRANCH, other_code}
