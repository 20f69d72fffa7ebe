import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgs.models import Department, Organization, OrganizationMove, RoleAssignment

HEADER = "组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n"


def test_pages_speak_chinese_by_default_whatever_the_browser_asks(client, people):
    client.force_login(people.leader)
    page = client.get(reverse("orgs:tree"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "组织架构" in page and "下辖团员数" in page


def test_the_language_switch_gives_english(client, people):
    client.force_login(people.leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/orgs/"})
    assert "Organisation tree" in client.get(reverse("orgs:tree")).content.decode()


def test_the_tree_starts_at_the_users_scope_with_subtree_totals(client, people):
    client.force_login(people.leader)
    response = client.get(reverse("orgs:tree"))
    roots = list(response.context["roots"])
    assert [r.code for r in roots] == ["A"] and roots[0].subtree_members == 27


def test_children_rows_load_for_expansion(client, people, tree):
    client.force_login(people.leader)
    html = client.get(reverse("orgs:organization_children", args=[tree.city_a.pk])).content.decode()
    assert "共青团甲市一区委员会" in html and "乙市" not in html


def test_search_by_name_or_code_lists_matches_in_scope(client, people):
    client.force_login(people.leader)
    response = client.get(reverse("orgs:tree"), {"q": "支部"})
    assert [o.code for o in [row.record for row in response.context["table"].page.object_list]] == ["A1a"]
    response = client.get(reverse("orgs:tree"), {"q": "Bb"})
    assert [row.record for row in response.context["table"].page.object_list] == []


def test_queries_per_tree_page_do_not_grow_with_the_tree(client, people, tree, django_assert_max_num_queries):
    from tests.factories import OrganizationFactory

    client.force_login(people.leader)
    client.get(reverse("orgs:tree"), {"q": "团"})
    for i in range(30):
        OrganizationFactory(parent=tree.district, code=f"extra{i}", name=f"加的团支部{i}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("orgs:tree"), {"q": "团"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("orgs:organization_children", args=[tree.district.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("orgs:organization_detail", args=[tree.district.pk])).status_code == 200


def test_detail_shows_departments_role_holders_and_history(client, people, tree):
    Department.objects.create(organization=tree.city_a, name="组织部")
    client.force_login(people.admin)
    html = client.get(reverse("orgs:organization_detail", args=[tree.city_a.pk])).content.decode()
    assert "组织部" in html and "staff_a" not in html and people.staff.first_name in html


def test_an_admin_edits_adds_and_moves_through_the_pages(client, people, tree):
    client.force_login(people.admin)
    form = {"name": "甲市一区团委", "code": "A1", "level": "county", "kind": "committee", "sector": "agency",
            "member_count": 3, "youth_count": 0, "display_order": 0, "is_active": "on"}
    assert client.post(reverse("orgs:organization_edit", args=[tree.district.pk]), form).status_code == 302
    assert Organization.objects.get(code="A1").name == "甲市一区团委"
    child = {**form, "name": "新支部", "code": "A1z", "level": "grassroots", "kind": "branch"}
    assert client.post(reverse("orgs:organization_create", args=[tree.district.pk]), child).status_code == 302
    response = client.post(reverse("orgs:organization_move", args=[tree.branch.pk]), {"new_parent": "A", "reason": "调整"})
    assert response.status_code == 302 and OrganizationMove.objects.count() == 1


def test_bad_form_input_shows_messages_in_chinese(client, people, tree):
    client.force_login(people.admin)
    response = client.post(reverse("orgs:organization_move", args=[tree.city_a.pk]), {"new_parent": "A1"})
    assert response.status_code == 200 and "不能迁移到自身" in response.content.decode()
    response = client.post(reverse("orgs:organization_move", args=[tree.branch.pk]), {"new_parent": "B"})
    assert "没有编码为“B”的组织" in response.content.decode()


def test_departments_are_added_and_removed(client, people, tree):
    client.force_login(people.admin)
    client.post(reverse("orgs:department_add", args=[tree.city_a.pk]), {"name": "宣传部", "display_order": 0})
    client.post(reverse("orgs:department_add", args=[tree.city_a.pk]), {"name": "宣传部", "display_order": 0})
    department = Department.objects.get()
    client.post(reverse("orgs:department_remove", args=[tree.city_a.pk, department.pk]))
    assert not Department.objects.exists()


def test_the_import_page_previews_then_imports(client, people):
    client.force_login(people.admin)
    upload = SimpleUploadedFile("t.csv", (HEADER + "A1b,新支部,A1,基层,团支部,学校,1,1\n").encode())
    response = client.post(reverse("orgs:import"), {"file": upload})
    assert "文件有效" in response.content.decode()
    assert not Organization.objects.filter(code="A1b").exists()
    response = client.post(reverse("orgs:import_confirm"), {"token": response.context["token"]}, follow=True)
    assert "导入完成" in response.content.decode()
    assert Organization.objects.filter(code="A1b").exists()


def test_the_import_page_lists_errors_by_row_and_column(client, people):
    client.force_login(people.admin)
    upload = SimpleUploadedFile("t.csv", (HEADER + "A1b,新支部,NOPE,基层,团支部,学校,x,1\n").encode())
    html = client.post(reverse("orgs:import"), {"file": upload}).content.decode()
    assert "上级组织编码“NOPE”不存在" in html and "“x”不是数字" in html and "未导入任何数据" in html
    html = client.post(reverse("orgs:import"), {"file": SimpleUploadedFile("t.xlsx", b"PK junk")}).content.decode()
    assert "不是可读取的 .xlsx 工作簿" in html


def test_an_import_token_of_another_session_is_refused(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("orgs:import_confirm"), {"token": "0" * 32}, follow=True)
    assert "请重新上传" in response.content.decode()


def test_export_downloads_the_scope(client, people):
    client.force_login(people.leader)
    response = client.get(reverse("orgs:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["A", "A1", "A1a"]


def test_admins_create_users_and_grant_roles_in_the_portal(client, people, tree):
    client.force_login(people.admin)
    response = client.post(reverse("orgs:user_create"), {
        "username": "li", "first_name": "李", "password": "l0ng-enough-pw", "organization": "A1a", "role": "reporter"})
    assert response.status_code == 302
    user = RoleAssignment.objects.get(user__username="li").user
    client.post(reverse("orgs:user_detail", args=[user.pk]), {"add_role": "1", "organization": "A1", "role": "staff"})
    assert set(user.role_assignments.values_list("role", flat=True)) == {"reporter", "staff"}
    html = client.post(reverse("orgs:user_detail", args=[user.pk]), {"add_role": "1", "organization": "B", "role": "staff"}).content.decode()
    assert "没有编码为“B”的组织" in html
    assignment = user.role_assignments.get(role="staff")
    client.post(reverse("orgs:user_detail", args=[user.pk]), {"revoke_role": assignment.pk})
    assert list(user.role_assignments.values_list("role", flat=True)) == ["reporter"]
    client.post(reverse("orgs:user_detail", args=[user.pk]), {"save_account": "1", "first_name": "李四", "email": "", "is_active": "on", "new_password": "an0ther-long-pw"})
    user.refresh_from_db()
    assert user.first_name == "李四" and user.check_password("an0ther-long-pw")


def test_the_user_list_shows_only_role_holders_in_scope(client, people):
    client.force_login(people.admin)
    names = [row.record.username for row in client.get(reverse("orgs:user_list")).context["table"].paginated_rows]
    assert "admin_b" not in names and "reporter_a1a" in names


def test_switching_the_current_organisation(client, people, tree):
    from orgs import services

    services.assign_role(people.leader, tree.city_b, "leader", by=people.root)
    client.force_login(people.leader)
    second = RoleAssignment.objects.get(user=people.leader, organization=tree.city_b)
    client.post(reverse("switch_role"), {"role": second.pk, "next": "/"})
    assert client.get("/").context["organization"] == tree.city_b
    outsider_role = RoleAssignment.objects.get(user=people.outsider)
    client.post(reverse("switch_role"), {"role": outsider_role.pk, "next": "https://evil.example/"})
    assert client.get("/").context["organization"] == tree.city_b


def test_login_logout_and_password_change(client, people):
    response = client.post(reverse("login"), {"username": "leader_a", "password": "a-Long-test-passw0rd"})
    assert response.status_code == 302
    response = client.post(reverse("password_change"), {
        "old_password": "a-Long-test-passw0rd", "new_password1": "brand-new-Pw-42", "new_password2": "brand-new-Pw-42"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_repeated_failed_logins_lock_the_account(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "leader_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "leader_a", "password": "a-Long-test-passw0rd"})
    assert response.status_code in (403, 429)
    assert "登录失败次数过多" in response.content.decode()


def test_healthz_reports_the_database_as_json(client, db, settings):
    settings.REDIS_URL = ""  # eager mode: no broker or worker to ask
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["checks"]["database"]["status"] == "ok"


def test_anonymous_users_are_sent_to_login(client, tree):
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_roles_sees_a_hint(client, people):
    client.force_login(people.nobody)
    assert "还没有角色" in client.get("/").content.decode()


def test_the_import_template_has_drop_downs_and_a_filled_copy_imports(client, people):
    client.force_login(people.admin)
    assert 'id="import-template"' in client.get(reverse("orgs:import")).content.decode()
    response = client.get(reverse("orgs:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER.strip().split(",") and sheet.max_row == 1
    lists = {str(v.sqref).split(":")[0]: v.formula1.strip('"').split(",") for v in sheet.data_validations.dataValidation
             if v.type == "list"}
    assert set(lists) == {"D2", "E2", "F2"} and "基层" in lists["D2"] and "团支部" in lists["E2"] and "学校" in lists["F2"]
    assert sheet.protection.sheet and sheet["A1"].protection.locked and sheet.freeze_panes == "A2"
    assert book.sheetnames == ["组织架构", "说明"]
    for column, value in enumerate(["A1b", "新支部", "A1", "基层", "团支部", "学校", 12, 30], start=1):
        sheet.cell(row=2, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(reverse("orgs:import"), {"file": SimpleUploadedFile("模板.xlsx", buffer.getvalue())})
    assert "文件有效" in response.content.decode()
    client.post(reverse("orgs:import_confirm"), {"token": response.context["token"]})
    created = Organization.objects.get(code="A1b")
    assert (created.name, created.parent_path, created.member_count, created.youth_count) == (
        "新支部", Organization.objects.get(code="A1").path, 12, 30)


def test_the_export_carries_the_same_drop_downs(client, people):
    client.force_login(people.admin)
    sheet = load_workbook(io.BytesIO(client.get(reverse("orgs:export")).content)).worksheets[0]
    assert {v.type for v in sheet.data_validations.dataValidation} == {"list", "whole"}
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
