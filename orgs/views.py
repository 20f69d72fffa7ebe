"""Pages of the organisation tree, departments, users and roles, and the audit log.

Every object comes from a queryset scoped by the permission layer, so an organisation outside
the user's subtree answers 404; a visible one the user may not change answers 403.
"""
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api import json_error
from core.forms import add_errors
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, SpreadsheetError, download, read_table
from core.tables import list_response

from . import exports, importers, services
from .filtersets import AuditEntryFilterSet, OrganizationFilterSet, RoleAssignmentFilterSet
from .forms import (
    AccountForm,
    BulkRoleForm,
    DepartmentForm,
    ImportForm,
    MoveForm,
    OrganizationForm,
    RoleForm,
    UserCreateForm,
)
from .models import AuditEntry, ImportJob, Organization, RoleAssignment
from .permissions import Action, can, get_visible_or_404, has_audit_page, require_any
from .selectors import manageable_users, picker_query, scope_roots, search_organizations, search_users, visible_users
from .tables import AuditEntryTable, ChildrenTable, OrganizationTable, UserTable

User = get_user_model()


def _organization(request, pk, action=Action.VIEW, queryset=None):
    """The organisation if the user can see it (else 404) and may do ``action`` on it (else 403)."""
    return get_visible_or_404(request, Organization.objects.all() if queryset is None else queryset, pk, action)


@login_required
def tree(request):
    """The tree browser: roots of the user's scopes, expandable; a search lists matches flat."""
    filterset = OrganizationFilterSet(request.GET or None, queryset=Organization.objects.restrict(request.user), request=request)
    searching = any(request.GET.get(name) for name in filterset.filters)
    context = {"filterset": filterset, "searching": searching}
    if searching:
        # a search lists its matches flat, in a table that sorts, pages and exports like every list
        results = filterset.qs.with_subtree_totals() if filterset.is_valid() else Organization.objects.none()
        return list_response(request, OrganizationTable(results.order_by("path")),
                             lambda table: render(request, "orgs/tree.html", {**context, **table}))
    context["roots"] = scope_roots(request.user).with_subtree_totals()
    return render(request, "orgs/tree.html", context)


@login_required
def organization_search(request):
    """The organisations a picker offers (static/js/pickers.js), as JSON: ``?q=`` a code's beginning or a part of a
    name, ``purpose`` the action the field serves (``view`` by default, ``change_org``, ``manage_users``, ``assess``
    …), ``within`` a code to search below, ``exclude`` a code whose subtree is left out. At most 20, only what
    ``restrict(user, purpose)`` lets through: the form that receives the choice checks it again."""
    try:
        organizations, exclude = picker_query(request.user, request.GET)
    except ValidationError as exc:
        return json_error(request, 400, exc.messages[0])
    return JsonResponse(search_organizations(organizations, request.GET.get("q"), exclude=exclude, user=request.user),
                        safe=False)


@login_required
def user_search(request):
    """The accounts a people picker offers, as JSON: ``?q=`` a user name's beginning or a part of the name;
    ``purpose=grant`` only those one may give a role to, else those one sees on the users page. At most 20."""
    require_any(request.user, Action.MANAGE_USERS)
    users = manageable_users(request.user) if request.GET.get("purpose") == "grant" else visible_users(request.user)
    return JsonResponse(search_users(users, request.GET.get("q")), safe=False)


@login_required
def children(request, pk):
    """The rows of an organisation's children, loaded into the tree by htmx."""
    organization = _organization(request, pk)
    rows = (
        Organization.objects.get_children(organization).restrict(request.user).with_subtree_totals()
        if organization.numchild
        else Organization.objects.none()
    )
    try:
        level = min(max(int(request.GET.get("level", 1)), 0), 30)  # indentation in the browser
    except ValueError:
        level = 1
    return render(request, "orgs/_tree_rows.html", {"nodes": rows, "level": level})


@login_required
def organization_detail(request, pk):
    organization = _organization(request, pk, queryset=Organization.objects.with_subtree_totals())
    can_manage_users = can(request.user, Action.MANAGE_USERS, organization)
    children = (Organization.objects.get_children(organization).restrict(request.user).with_subtree_totals()
                .order_by("display_order", "path"))
    context = {
        "organization": organization,
        "ancestors": Organization.objects.get_ancestors(organization).restrict(request.user),
        "departments": organization.departments.all(),
        "roles": organization.role_assignments.select_related("user") if can_manage_users else None,
        "moves": organization.moves.select_related("moved_by")[:20],
        "can_change": can(request.user, Action.CHANGE_ORG, organization),
        "can_manage_users": can_manage_users,
        "department_form": DepartmentForm(),
    }
    # the children: sorted, paged and exported like every list (?export=xlsx answers them as a workbook)
    table = ChildrenTable(children)
    return list_response(request, table, lambda table_context: render(
        request, "orgs/organization_detail.html", {**context, **table_context}),
        filename=f"{organization.display_name}-{_('Child organisations')}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def organization_create(request, parent_pk):
    parent = _organization(request, parent_pk, Action.CHANGE_ORG)
    form = OrganizationForm(request.POST or None, initial={"sector": parent.sector})
    if request.method == "POST" and form.is_valid():
        child = services.create_organization(by=request.user, parent=parent, **form.cleaned_data)
        messages.success(request, _("%(name)s was added.") % {"name": child.name})
        return redirect(child)
    return render(request, "orgs/organization_form.html", {"form": form, "parent": parent})


@login_required
def organization_edit(request, pk):
    organization = _organization(request, pk, Action.CHANGE_ORG)
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.update_organization(organization, by=request.user, **form.cleaned_data)
        messages.success(request, _("The changes were saved."))
        return redirect(organization)
    return render(request, "orgs/organization_form.html", {"form": form, "organization": organization})


@login_required
def organization_move(request, pk):
    organization = _organization(request, pk, Action.CHANGE_ORG)
    form = MoveForm(request.POST or None, user=request.user, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_organization(
                organization, form.cleaned_data["new_parent"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc, field="new_parent")
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": organization.name})
            return redirect(organization)
    return render(request, "orgs/organization_move.html", {"form": form, "organization": organization})


@login_required
@require_POST
def department_add(request, pk):
    organization = _organization(request, pk, Action.CHANGE_ORG)
    form = DepartmentForm(request.POST)
    if form.is_valid():
        try:
            services.add_department(organization, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The department was added."))
    else:
        messages.error(request, _("Please give the department a name."))
    return redirect(organization)


@login_required
@require_POST
def department_remove(request, pk, department_pk):
    organization = _organization(request, pk, Action.CHANGE_ORG)
    department = get_object_or_404(organization.departments, pk=department_pk)
    services.remove_department(department, by=request.user)
    messages.success(request, _("The department was removed."))
    return redirect(organization)


@login_required
def export(request):
    """The filtered organisations as .xlsx or .csv in the import format."""
    filterset = OrganizationFilterSet(request.GET, queryset=Organization.objects.restrict(request.user), request=request)
    if not filterset.is_valid():
        messages.error(request, _("The filter is not valid: %(errors)s") % {"errors": filterset.errors.as_text()})
        return redirect("orgs:tree")
    file_format = "csv" if request.GET.get("file_format") == "csv" else "xlsx"
    return download(exports.export_tree(filterset.qs, file_format), f"organizations.{file_format}",
                    CSV_CONTENT_TYPE if file_format == "csv" else XLSX_CONTENT_TYPE)


IMPORT_SESSION_KEY = "org_import_files"


@login_required
def import_template(request):
    """The empty import template (.xlsx) for those who may import."""
    require_any(request.user, Action.CHANGE_ORG)
    return download(exports.import_template(), "组织架构导入模板.xlsx")


@login_required
def import_upload(request):
    """Step 1: upload and check. A valid file is kept for step 2 under a token in the session."""
    require_any(request.user, Action.CHANGE_ORG)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = importers.read_for_request(upload)
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            if table is None:  # too many rows for a request: checked in the background, with progress
                return redirect(importers.start_job(upload, by=request.user, apply=False))
            plan = importers.plan_import(table, by=request.user)
            context["plan"] = plan
            if plan.is_valid:
                upload.seek(0)
                token = uuid.uuid4().hex
                suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                default_storage.save(f"imports/{token}{suffix}", ContentFile(upload.read()))
                request.session[IMPORT_SESSION_KEY] = {**request.session.get(IMPORT_SESSION_KEY, {}), token: suffix}
                context["token"] = token
    return render(request, "orgs/import.html", context)


@login_required
@require_POST
def import_confirm(request):
    """Step 2: check the kept file again against the tree as it is now, and import it whole."""
    require_any(request.user, Action.CHANGE_ORG)
    token = request.POST.get("token", "")
    suffix = request.session.get(IMPORT_SESSION_KEY, {}).get(token)
    if not suffix:
        messages.error(request, _("The checked file is no longer available; please upload it again."))
        return redirect("orgs:import")
    name = f"imports/{token}{suffix}"
    with default_storage.open(name, "rb") as stored:
        stored.name = name
        table = read_table(stored, use="org_import")
    plan = importers.plan_import(table, by=request.user)
    if not plan.is_valid:
        return render(request, "orgs/import.html", {"form": ImportForm(), "plan": plan})
    summary = importers.apply_import(plan, by=request.user)
    default_storage.delete(name)
    sessions = request.session[IMPORT_SESSION_KEY]
    sessions.pop(token, None)
    request.session[IMPORT_SESSION_KEY] = sessions
    messages.success(
        request,
        _("Import done: %(create)d new, %(update)d changed, %(move)d moved, %(unchanged)d unchanged.") % summary,
    )
    return redirect("orgs:tree")


def _job(request, pk):
    return get_object_or_404(ImportJob.objects.restrict(request.user), pk=pk)


@login_required
def import_job(request, pk):
    """A large import checked in the background: progress while it runs, then its findings."""
    job = _job(request, pk)
    return render(request, "orgs/import_job.html", {"job": job, "form": ImportForm()})


@login_required
def import_job_progress(request, pk):
    """The progress bar, polled by htmx; once the job is finished the whole page is shown again."""
    job = _job(request, pk)
    response = render(request, "orgs/_import_job_progress.html", {"job": job})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_job_apply(request, pk):
    """Import the file of a checked job without problems (a new job checks it again, then writes it whole)."""
    try:
        job = importers.apply_checked_job(_job(request, pk), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:import_job", pk=pk)
    return redirect(job)


def _users_table(request):
    """The users list's filterset and table: accounts the admin sees, filtered through their roles' filterset."""
    require_any(request.user, Action.MANAGE_USERS)
    roles = RoleAssignment.objects.restrict(request.user, Action.MANAGE_USERS)
    filterset = RoleAssignmentFilterSet(request.GET or None, queryset=roles, request=request)
    users = visible_users(request.user)
    if filterset.is_bound:
        users = users.filter(pk__in=filterset.qs.values("user_id")) if filterset.is_valid() else users.none()
    users = users.prefetch_related(
        Prefetch("role_assignments", queryset=roles.select_related("organization"), to_attr="visible_roles"))
    return filterset, UserTable(users)


@login_required
def user_list(request):
    filterset, table = _users_table(request)
    return list_response(request, table, lambda context: render(request, "orgs/user_list.html", {
        **context, "filterset": filterset, "grant_form": BulkRoleForm(user=request.user)}))


@login_required
@require_POST
def user_bulk_grant(request):
    """Grant one role at one organisation to every ticked account, all or none (services.assign_role_to_many)."""
    require_any(request.user, Action.MANAGE_USERS)
    form = BulkRoleForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("orgs:user_list")
    accounts = form.cleaned_data["selected"]
    try:
        services.assign_role_to_many(accounts, form.cleaned_data["organization"], form.cleaned_data["role"],
                                     by=request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("The role was granted to %(names)s.")
                         % {"names": "、".join(a.username for a in accounts)})
    return redirect("orgs:user_list")


@login_required
def user_create(request):
    require_any(request.user, Action.MANAGE_USERS)
    initial = {}
    role = request.current_role
    if role and can(request.user, Action.MANAGE_USERS, role.organization):
        initial["organization"] = role.organization.code
    form = UserCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = services.create_user(by=request.user, **form.cleaned_data)
        messages.success(request, _("The account %(username)s was created.") % {"username": user.username})
        return redirect("orgs:user_detail", pk=user.pk)
    return render(request, "orgs/user_form.html", {"form": form})


@login_required
def user_detail(request, pk):
    account = get_object_or_404(visible_users(request.user), pk=pk)
    roles = RoleAssignment.objects.restrict(request.user, Action.MANAGE_USERS).filter(user=account).select_related("organization")
    may_edit_account = services.can_manage_account(request.user, account)
    role_form = RoleForm(user=request.user)
    account_form = AccountForm(instance=account) if may_edit_account else None
    if request.method == "POST":
        if "add_role" in request.POST:
            if not may_edit_account:
                raise PermissionDenied
            role_form = RoleForm(request.POST, user=request.user)
            if role_form.is_valid():
                services.assign_role(account, role_form.cleaned_data["organization"], role_form.cleaned_data["role"], by=request.user)
                messages.success(request, _("The role was granted."))
                return redirect("orgs:user_detail", pk=pk)
        elif "revoke_role" in request.POST:
            role_pk = request.POST.get("revoke_role", "")
            if not role_pk.isdigit():
                raise Http404
            assignment = get_object_or_404(roles, pk=role_pk)
            try:
                services.revoke_role(assignment, by=request.user)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("The role was revoked."))
            return redirect("orgs:user_detail", pk=pk)
        elif "save_account" in request.POST:
            if not may_edit_account:
                raise PermissionDenied
            account_form = AccountForm(request.POST, instance=account)
            if account_form.is_valid():
                data = dict(account_form.cleaned_data)
                services.update_user(account, by=request.user, password=data.pop("new_password"), **data)
                messages.success(request, _("The account was saved."))
                return redirect("orgs:user_detail", pk=pk)
    context = {"account": account, "roles": roles, "role_form": role_form, "account_form": account_form}
    return render(request, "orgs/user_detail.html", context)


# --- the audit log ---------------------------------------------------------------------------------------------


def _audit_table(request, entries, context, template):
    filterset = AuditEntryFilterSet(request.GET or None, queryset=entries, request=request)
    for name in ("object_type", "object_id"):  # the API's; a page names its object in its address
        filterset.form.fields.pop(name)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else entries
    if filterset.is_bound and not filterset.is_valid():
        rows = entries.none()
    table = AuditEntryTable(rows.select_related("content_type", "organization"))
    return list_response(request, table, lambda table_context: render(request, template, {
        **table_context, **context, "filterset": filterset}))


@login_required
def audit_log(request):
    """Every audit row of the administrator's part of the tree, searchable and exported like any list."""
    require_any(request.user, Action.VIEW_AUDIT)
    return _audit_table(request, AuditEntry.objects.restrict(request.user),
                        {"retention_days": settings.AUDIT_RETENTION_DAYS}, "orgs/audit_log.html")


@login_required
def audit_object(request, model, pk):
    """The audit rows of one object the user sees (an organisation's: those about it and those recorded under it);
    404 for an object the user cannot see, 403 for one whose log they may not read."""
    app_label, _dot, model_name = model.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_class = content_type.model_class()
    if not has_audit_page(model_class):
        raise Http404
    obj = get_visible_or_404(request, model_class.objects.all(), pk, Action.VIEW_AUDIT)
    about = Q(content_type=content_type, object_id=obj.pk)
    if model_class is Organization:
        about |= Q(organization=obj)
    entries = AuditEntry.objects.restrict(request.user).filter(about)
    return _audit_table(request, entries, {"object": obj}, "orgs/audit_object.html")
