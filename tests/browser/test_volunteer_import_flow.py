"""A city's staff imports volunteers from a platform's export in real Chromium: upload, the checked preview with its
counts, import now, done; a file with problems lists them by row and column; the public page verifies a certificate.
Screenshots on a desktop and on a 375-px phone."""
import datetime
import shutil
from pathlib import Path

import pytest

from orgs.choices import Kind, Level, Role
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory
from tests.volunteers.ids import resident_id

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "shots"


def both(page, shot, name):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        path = shot(page, f"{name}-{width}")
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_import_volunteers_and_a_certificate_is_verified(page, live_server, transactional_db, login, shot,
                                                               tmp_path, settings, pick):
    settings.MEDIA_ROOT = tmp_path
    city = OrganizationFactory(name="共青团青川市委员会", code="QC", level=Level.CITY, kind=Kind.COMMITTEE)
    OrganizationFactory(parent=city, name="新华中心学校团支部", code="QC01")
    staff = UserFactory(username="imp_staff", first_name="钱干部")
    staff.set_password("browser-test-pw")
    staff.save()
    RoleAssignmentFactory(user=staff, organization=city, role=Role.STAFF)
    header = "姓名,性别,证件类型,证件号码,手机号,所属组织,政治面貌,注册时间,志愿者编号\n"
    good = tmp_path / "good.csv"
    good.write_text(header + "".join(f"志愿者{i},,居民身份证,{resident_id()},1391234567{i},QC01,共青团员,2025-09-01,Z{i}\n"
                                     for i in range(3)), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + f"张三,,居民身份证,{resident_id()[:17]}0,,乙市机关团支部,团员,2025-02-30,\n", encoding="utf-8")

    login(page, "imp_staff")
    page.goto(f"{live_server.url}/volunteers/")
    page.click("#import-link")
    pick(page, "id_organization", "QC")
    page.set_input_files("#id_file", str(bad))
    both(page, shot, "volunteer-import-form")
    page.click("#import-form button[type=submit]")
    page.locator("#import-errors").wait_for()
    assert "所属组织" in page.locator("#problems").inner_text() and "注册时间" in page.locator("#problems").inner_text()
    both(page, shot, "volunteer-import-problems")

    page.goto(f"{live_server.url}/volunteers/import/")
    pick(page, "id_organization", "QC")
    page.set_input_files("#id_file", str(good))
    page.click("#import-form button[type=submit]")
    page.locator("#import-preview").wait_for()
    both(page, shot, "volunteer-import-preview")
    page.click("#apply-import")
    page.locator("#import-done").wait_for()
    both(page, shot, "volunteer-import-done")

    from volunteers.models import Certificate, Volunteer

    volunteer = Volunteer.objects.get(name="志愿者0")
    certificate = Certificate.objects.create(volunteer=volunteer, organization=city, code="ABCDEFGHJKLMNPQR",
                                             total_hours=12, record_count=3)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/volunteers/verify/{certificate.code}/")
    assert page.locator("#certificate-facts").inner_text().count("志*") == 1
    both(page, shot, "certificate-verify")
    page.goto(f"{live_server.url}/volunteers/verify/NOPE/")
    page.locator("#certificate-unknown").wait_for()
    assert datetime.date.today()
