"""A leader browses the tree in real Chromium: expand, search, open, switch language."""
import pytest

pytestmark = pytest.mark.browser


def test_a_leader_browses_searches_and_switches_language(page, live_server, demo, login, shot):
    login(page, "demo_leader")
    assert page.locator("h1").inner_text().startswith("工作台")  # the 工作台 of the province
    assert page.locator("#stat-orgs").inner_text() == "352"
    shot(page, "dashboard-zh")

    page.click("text=组织架构")
    province = page.locator("#org-tree tr", has_text="共青团江淮省委员会")
    assert province.locator("td.num").first.inner_text() != "0"
    province.locator(".tree-toggle").click()
    city = page.locator("#org-tree tr", has_text="共青团青川市委员会")
    city.wait_for()
    city.locator(".tree-toggle").click()
    page.locator("#org-tree tr", has_text="共青团青川市城东区委员会").wait_for()
    shot(page, "tree-expanded")
    province.locator(".tree-toggle").click()  # collapse: the loaded rows hide
    assert page.locator("#org-tree tr", has_text="共青团青川市城东区委员会").is_hidden()

    page.fill("#id_q", "第一中学")
    with page.expect_navigation():
        page.click("#filter-form button[type=submit]")
    rows = page.locator("#org-tree tbody tr")
    assert rows.count() == 12
    shot(page, "tree-search")
    page.click("text=青川市城东区第一中学团委")
    assert page.locator("h1").inner_text().startswith("青川市城东区第一中学团委")
    assert "团员数" in page.content()

    with page.expect_navigation():
        page.select_option("#language-switch select", "en")
    assert page.locator("h1").inner_text().startswith("青川市城东区第一中学团委")
    assert "League members" in page.content()
    page.click("text=Organisations")
    assert page.locator("h1").inner_text() == "Organisation tree"
    shot(page, "tree-english")


def test_an_admin_imports_a_file_after_a_preview(page, live_server, demo, login, shot, tmp_path):
    login(page, "demo_admin")
    page.goto(f"{live_server.url}/orgs/import/")
    bad = tmp_path / "bad.csv"
    bad.write_text("组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\nNEW1,新支部,NOPE,基层,团支部,学校,abc,1\n", encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.click("button:has-text('检查文件')")
    errors = page.locator("#import-errors")
    assert "2 个问题" in errors.inner_text()
    shot(page, "import-errors")
    good = tmp_path / "good.csv"
    good.write_text("组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\nNEW1,浏览器测试团支部,3601010001,基层,团支部,社区,12,30\n", encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    with page.expect_navigation():
        page.click("button:has-text('检查文件')")
    assert "新增 1 个" in page.locator("#import-preview").inner_text()
    shot(page, "import-preview")
    with page.expect_navigation():
        page.click("button:has-text('确认导入')")
    assert "导入完成" in page.locator(".alert-success").inner_text()
    page.fill("#id_q", "NEW1")
    with page.expect_navigation():
        page.click("#filter-form button[type=submit]")
    assert page.locator("#org-tree tbody tr", has_text="浏览器测试团支部").count() == 1


def test_a_large_import_shows_its_progress_then_its_findings(page, live_server, demo, login, shot, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from orgs import importers
    from orgs.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    settings.ORG_IMPORT_SYNC_ROWS = 2
    rows = "".join(f"BIG{i},浏览器大表团支部{i},3601010001,基层,团支部,社区,{i},{i}\n" for i in range(3))
    content = ("组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n" + rows).encode()
    admin = get_user_model().objects.get(username="demo_admin")
    job = ImportJob(created_by=admin, original_name="大表.csv")
    job.file.save("big.csv", ContentFile(content))
    login(page, "demo_admin")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    assert "正在检查文件" in page.locator("#import-progress").inner_text()
    shot(page, "import-job-running")
    importers.run_job(job.pk)  # as the worker would; the polling bar notices and the page shows the findings
    page.locator("#import-preview").wait_for()
    assert "新增 3 个" in page.locator("#import-preview").inner_text()
    shot(page, "import-job-checked")
    with page.expect_navigation():
        page.click("button:has-text('确认导入')")
    page.locator("#import-done").wait_for()  # Celery runs eagerly here: the import is done when the page opens
    assert "新增 3 个" in page.locator("#import-done").inner_text()
    shot(page, "import-job-done")

    upload = tmp_path / "upload.csv"
    upload.write_bytes(content.replace(b"BIG", b"BIH"))
    page.goto(f"{live_server.url}/orgs/import/")
    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("button:has-text('检查文件')")
    assert "/orgs/import/jobs/" in page.url and "新增 3 个" in page.locator("#import-preview").inner_text()
