"""Pages of monthly reports: the reporter's month form (phone-friendly), the review on the same page,
the reviewers' month × organisation grid and export, and the offline form (template and upload)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import months
from core.dates import parse_month, parse_year
from core.files import serve_stored
from core.forms import add_errors, edit_page, errors_by_field
from core.pagination import paginate
from core.redirects import moved_page, moved_to
from core.spreadsheets import download, parse_amount, table_from_form
from core.tables import list_response
from orgs.choices import Kind, Level
from orgs.forms import ImportForm, OrganizationSwitchForm
from orgs.models import Organization
from orgs.permissions import Action, can, has_any, organizations_held, require_any

from . import grid, selectors, services, sheets
from .choices import ReportStatus
from .filtersets import MonthlyReportFilterSet, ReportGridFilterSet
from .forms import ReportFieldForm, ReportingRuleForm
from .models import MonthlyReport, ReportAttachment, ReportField, ReportingRule
from .tables import ReportTable


def _report(request, pk):
    return get_object_or_404(MonthlyReport.objects.restrict(request.user).select_related("organization"), pk=pk)


@login_required
def my_reports(request):
    """The user's organisations that report monthly: last and this month's report of each, and past ones."""
    own = organizations_held(request.user, Action.RECORD_PROGRESS)
    organizations = list(selectors.obligated(Organization.objects.filter(pk__in=[o.pk for o in own])).order_by("path"))
    this_month = months.this_month()
    last_month = months.previous_month(this_month)
    reports = {(r.organization_id, r.month): r for r in MonthlyReport.objects.filter(
        organization__in=organizations, month__in=[this_month, last_month])}
    # a month the organisation does not owe (it joined after it began) is not offered, unless a report was started
    rows = [(org, month, reports.get((org.pk, month)), months.due_date(month, org.due_day))
            for org in organizations for month in (last_month, this_month)
            if selectors.owes(org, month) or (org.pk, month) in reports]
    history = MonthlyReport.objects.filter(organization__in=organizations).select_related("organization")[:24]
    return render(request, "reports/my_reports.html", {
        "rows": rows, "history": history,
        "can_review": has_any(request.user, Action.REVIEW_REPORT),
        "can_configure": has_any(request.user, Action.CONFIGURE_REPORTS),
    })


@login_required
@require_POST
def report_start(request):
    organization = next((o for o in organizations_held(request.user, Action.RECORD_PROGRESS)
                         if str(o.pk) == request.POST.get("organization")), None)
    if organization is None:
        raise PermissionDenied
    try:
        month = parse_month(request.POST.get("month", ""))
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from exc
    report = services.start_report(organization, month, by=request.user)
    return redirect("reports:report_detail", pk=report.pk)


def _form_input(request, report, fields):
    """What the month form posted: figures by key, line values and notes, narrative, and bad line values."""
    lines, bad_lines = {}, []
    for line in report.lines.select_related("assignment__target"):
        value, message = parse_amount(request.POST.get(f"line-{line.pk}", "").strip())
        if message:
            bad_lines.append(f"{line.assignment.target.metric}: {message}")
            value = line.value
        lines[line.pk] = (value, request.POST.get(f"line-{line.pk}-note", "")[:500])
    values = {f.key: request.POST.get(f"field-{f.key}", "") for f in fields}
    narrative = {name: request.POST.get(name, "") for name in services.NARRATIVE}
    return values, lines, narrative, bad_lines


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # never current: the service answers "reload"


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    fields = selectors.fields_for(report.organization)
    may_review = selectors.may_review(request.user, report)
    # a report returned by a reviewer goes back to its organisation: reviewers above read it as it was sent (staff
    # above may still fill in a draft for a branch)
    editable = report.status in services.EDITABLE and can(request.user, Action.RECORD_PROGRESS, report) and not (
        report.status == ReportStatus.RETURNED and may_review
        and report.organization not in organizations_held(request.user, Action.RECORD_PROGRESS))
    errors = {}
    if request.method == "POST" and editable:
        values, lines, narrative, bad_lines = _form_input(request, report, fields)
        try:
            if bad_lines:
                raise ValidationError(bad_lines)
            report = services.save_draft(report, by=request.user, values=values, lines=lines, version=_version(request),
                                         **narrative)
            if "submit" in request.POST:
                report = services.submit_report(report, by=request.user, version=report.version)
                messages.success(request, _("The report was submitted."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect("reports:report_detail", pk=report.pk)
        except ValidationError as exc:
            errors = errors_by_field(exc)
    previous = selectors.previous_report(report)
    previous_lines = {line.assignment_id: line for line in previous.lines.all()} if previous else {}
    lines = list(report.lines.select_related("assignment__target", "assignment__point"))
    from_records = services.volunteer_figures(report) if report.status in services.EDITABLE else {}
    return render(request, "reports/report_detail.html", {
        "from_records": from_records,
        "report": report, "editable": editable, "errors": errors, "previous": previous,
        "fields": [(f, from_records[f.key] if f.key in from_records else request.POST.get(f"field-{f.key}", "")
                    if errors else report.values.get(f.key, ""), previous.values.get(f.key, "") if previous else "")
                   for f in fields],
        "lines": [(line, previous_lines.get(line.assignment_id)) for line in lines],
        "attachments": report.attachments.select_related("uploaded_by"),
        "may_review": may_review, "events": report.events.select_related("by"),
    })


@login_required
@require_POST
def report_autosave(request, pk):
    """htmx, while the user types: save what is valid, say what is not, hand back the new version."""
    report = _report(request, pk)
    values, lines, narrative, bad_lines = _form_input(request, report, selectors.fields_for(report.organization))
    problems = list(bad_lines)
    try:
        report, errors = services.autosave(report, by=request.user, values=values, lines=lines,
                                           version=_version(request), **narrative)
        problems += [m for key_messages in errors.values() for m in ([key_messages] if isinstance(key_messages, str) else key_messages)]
    except ValidationError as exc:
        return render(request, "reports/_autosave.html", {"report": None, "problems": exc.messages})
    return render(request, "reports/_autosave.html", {"report": report, "problems": problems,
                                                    "saved_at": timezone.localtime()})


@login_required
@require_POST
def report_copy(request, pk):
    """Fill the empty parts of the form from last month's report."""
    report = _report(request, pk)
    try:
        report, copied = services.copy_previous(report, by=request.user, version=_version(request))
        messages.success(request, _("Copied %(n)d items from the previous report; what you had entered is unchanged.")
                         % {"n": copied})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:report_detail", pk=pk)


@login_required
@require_POST
def attachment_add(request, pk):
    report = _report(request, pk)
    uploads = request.FILES.getlist("files")
    if not uploads:
        messages.error(request, _("Choose one or more files first."))
    else:
        try:
            services.attach_files(report, uploads, by=request.user)
            messages.success(request, _("%(n)d files attached.") % {"n": len(uploads)})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('reports:report_detail', args=[pk])}#attachments")


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = get_object_or_404(ReportAttachment.objects.restrict(request.user).select_related("report"), pk=pk)
    try:
        services.remove_attachment(attachment, by=request.user)
        messages.success(request, _("The attachment was removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('reports:report_detail', args=[attachment.report_id])}#attachments")


@login_required
def attachment_download(request, pk):
    """Attachments are served only to those who may see the report."""
    attachment = get_object_or_404(ReportAttachment.objects.restrict(request.user), pk=pk)
    return serve_stored(attachment.file, filename=attachment.original_name, as_attachment=False)


@login_required
@require_POST
def report_review(request, pk):
    """Return (with a reason), approve, or reopen (with a reason) — reviewers above the organisation."""
    report = _report(request, pk)
    steps = {"return": services.return_report, "approve": services.approve_report, "reopen": services.reopen_report}
    step = steps.get(request.POST.get("step"))
    if step is None:
        raise PermissionDenied
    kwargs = {"by": request.user, "version": _version(request)}
    if step is not services.approve_report:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        step(report, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = {
            services.return_report: _("Returned the %(month)s report of %(org)s."),
            services.approve_report: _("Approved the %(month)s report of %(org)s."),
            services.reopen_report: _("Reopened the %(month)s report of %(org)s."),
        }[step]
        messages.success(request, done % {"org": report.organization.display_name, "month": f"{report.month:%Y-%m}"})
    return redirect("reports:report_detail", pk=pk)


# --- reviewers: the month × organisation grid, the month's sheet ---------------------------------


def _reviewable(request):
    require_any(request.user, Action.REVIEW_REPORT)
    return selectors.reviewable(request.user)


def _grid_filters(request, organizations):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("month", f"{months.last_month(today):%Y-%m}")
    filterset = ReportGridFilterSet(data, queryset=organizations, request=request)
    valid = filterset.is_valid()
    root = filterset.form.cleaned_data.get("within") if valid else None
    month = (filterset.form.cleaned_data.get("month") if valid else None) or months.month_start(today)
    return filterset, (filterset.qs if valid else organizations.none()), root, month


def _report_to_open(cells, month):
    """The report an organisation's name opens in the grid: the filtered month's, else its latest shown."""
    reports = [cell.report for cell in cells if cell.report is not None]
    return next((r for r in reports if r.month == month), reports[-1] if reports else None)


@login_required
def report_grid_page(request):
    """Month × organisation: who submitted, late, returned, approved or is missing, with counts and rates."""
    filterset, rows, root, month = _grid_filters(request, _reviewable(request))
    today = timezone.localdate()
    try:
        year = parse_year(request.GET.get("year") or month.year)
    except ValidationError:
        year = month.year
    shown = grid.months_of(year, today)
    page = paginate(request, rows.order_by("path"), per_page=50)
    # the totals count the organisations the filters leave (name, subtree, a month's state), whatever their rules
    scope = ReportGridFilterSet(filterset.data, queryset=selectors.reviewer_scope(request.user), request=request)
    scope = scope.qs if scope.is_valid() else Organization.objects.none()
    return render(request, "reports/report_grid.html", {
        "filterset": filterset, "page": page, "year": year, "years": range(today.year - 4, today.year + 1),
        "month": month, "columns": grid.cached_month_columns(scope, shown, today),
        "rows": [(org, cells, _report_to_open(cells, month)) for org, cells in grid.grid_rows(page.object_list, shown, today)],
    })


def _review_list(request):
    """The reports of the organisations the caller reviews, through the reports' filterset."""
    require_any(request.user, Action.REVIEW_REPORT)
    reports = (MonthlyReport.objects.restrict(request.user)
               .filter(organization__in=selectors.reviewer_scope(request.user))
               .select_related("organization", "reviewed_by").order_by("-month", "organization__path"))
    filterset = MonthlyReportFilterSet(request.GET or None, queryset=reports, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, reports.none()
    return filterset, filterset.qs


@login_required
def report_list(request):
    """The reviewers' list: reports by month, organisation and status, sorted, paged and exported; submitted ones
    can be approved several at once."""
    filterset, reports = _review_list(request)
    return list_response(request, ReportTable(reports), lambda table: render(
        request, "reports/report_list.html", {**table, "filterset": filterset}))


@login_required
@require_POST
def report_bulk_approve(request):
    """Approve the ticked reports: every id must be a report of the caller's review list (else nothing is done);
    each is then approved on its own (services.approve_reports), and those that could not be are named."""
    _filterset, reports = _review_list(request)
    ids = request.POST.getlist("selected")
    if not ids or not all(i.isdigit() for i in ids):
        messages.error(request, _("Tick the reports to approve."))
        return _back_to_list(request)
    wanted = {int(i) for i in ids}
    chosen = list(MonthlyReport.objects.restrict(request.user)
                  .filter(organization__in=selectors.reviewer_scope(request.user), pk__in=wanted)
                  .select_related("organization").order_by("organization__path"))
    unknown = wanted - {r.pk for r in chosen}
    if unknown:
        messages.error(request, _("%(n)s of the ticked reports are not among the reports you review (ids %(ids)s); "
                                  "nothing was approved.") % {"n": len(unknown),
                                                               "ids": ", ".join(str(i) for i in sorted(unknown))})
        return _back_to_list(request)
    try:
        approved, refused = services.approve_reports(chosen, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return _back_to_list(request)
    if approved:
        messages.success(request, _("Approved: %(names)s.") % {"names": "、".join(str(r) for r in approved)})
    for report, why in refused:
        messages.error(request, _("Not approved: %(name)s — %(why)s") % {"name": report, "why": why})
    return _back_to_list(request)


def _back_to_list(request):
    """The review list again, with the filters and sort it was sent from (a query string, never another address)."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('reports:report_list')}?{query}" if query else reverse("reports:report_list"))


@login_required
def report_export(request):
    """The month's reports of the filtered organisations: one row each, one column per field."""
    _filterset, rows, root, month = _grid_filters(request, _reviewable(request))
    name = f"{root.display_name if root else ''}{month:%Y年%m月}月度报告.xlsx"
    return download(sheets.export_month(rows, month), name)


# --- reporters: the offline form ------------------------------------------------------------------


def _fillable(request):
    return selectors.fillable(request.user)


@login_required
def report_template(request):
    """The offline form for a month, one row per organisation the user fills in for, saved figures included."""
    organizations = _fillable(request)
    if not organizations.exists():
        raise PermissionDenied
    try:
        month = parse_month(request.GET.get("month", ""))
    except ValidationError:
        month = months.last_month()
    return download(sheets.template(organizations, month), f"{month:%Y年%m月}月度报告填报表.xlsx")


@login_required
def report_upload(request):
    """Upload the filled-in offline form: every row checked, all saved (as drafts, or submitted) or none."""
    if not _fillable(request).exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        table = table_from_form(form, use="report_form")
        if table is not None:
            checked = sheets.check_upload(table, request.user)
            if checked.is_valid and checked.rows:
                try:
                    count = sheets.apply_upload(checked, by=request.user, submit=bool(request.POST.get("submit")))
                except ValidationError as exc:
                    add_errors(form, exc, field="file")
                else:
                    messages.success(request, _("%(n)d reports were saved from the file.") % {"n": count})
                    return redirect("reports:my_reports")
            elif checked.is_valid:
                form.add_error("file", _("The file has no rows."))
    return render(request, "reports/report_upload.html", {"form": form, "checked": checked})


# --- configuration: who reports, and the fields --------------------------------------------------


def _configurable(request, code=None):
    """The organisation whose report settings are shown: by code, else the current or first one allowed."""
    allowed = Organization.objects.restrict(request.user, Action.CONFIGURE_REPORTS)
    require_any(request.user, Action.CONFIGURE_REPORTS)
    if code:
        return get_object_or_404(allowed, code=code)
    current = getattr(request, "current_role", None)
    if current and allowed.filter(pk=current.organization_id).exists():
        return current.organization
    first = allowed.order_by("path").first()
    if first is None:
        raise Http404
    return first


@login_required
def report_settings(request):
    """An organisation's reporting rules and report fields, with the fields it inherits from above."""
    organization = _configurable(request, request.GET.get("org"))
    own = ReportField.objects.filter(organization=organization).order_by("order", "pk")
    inherited = [f for f in selectors.fields_for(organization) if f.organization_id != organization.pk]
    rules = list(organization.reporting_rules.prefetch_related("exceptions"))
    for rule in rules:
        rule.level_names = [str(Level(v).label) for v in rule.levels if v in Level.values]
        rule.kind_names = [str(Kind(v).label) for v in rule.kinds if v in Kind.values]
    return render(request, "reports/report_settings.html", {
        "organization": organization, "rules": rules,
        "fields": own, "inherited": inherited,
        "due_now": selectors.obligated(Organization.objects.within(organization, include_self=False)).count(),
        "switch": OrganizationSwitchForm(user=request.user, organization=organization, label=_("Organisation"),
                                         action=Action.CONFIGURE_REPORTS).field,
    })


def _settings_url(organization):
    return f"{reverse('reports:report_settings')}?org={organization.code}"


def _config_form(request, form_class, instance, save, heading, **form_kwargs):
    """The edit page of a reporting rule or a report field; back to the organisation's settings once saved."""
    back = _settings_url(instance.organization)

    def save_and_go_back(form):
        save(form)
        return back

    return edit_page(request, form_class(request.POST or None, instance=instance, **form_kwargs), save_and_go_back,
                     heading=heading, back=back, done=_("Saved."))


def _config_object(request, model, pk):
    """The rule or field ``pk`` of an organisation the user configures; without ``pk`` a new one for ``?org=``."""
    if pk is None:
        return model(organization=_configurable(request, request.GET.get("org")))
    return get_object_or_404(model.objects.restrict(request.user, Action.CONFIGURE_REPORTS), pk=pk)


@login_required
def rule_edit(request, pk=None):
    rule = _config_object(request, ReportingRule, pk)

    def save(form):
        services.save_rule(form.save(commit=False), by=request.user, exceptions=form.cleaned_data["exception_codes"])

    return _config_form(request, ReportingRuleForm, rule, save,
                        _("Reporting rule of %(org)s") % {"org": rule.organization.display_name}, user=request.user)


@login_required
def field_edit(request, pk=None):
    field = _config_object(request, ReportField, pk)
    return _config_form(request, ReportFieldForm, field, lambda form: services.save_field(form.save(commit=False), by=request.user),
                        _("Report field of %(org)s") % {"org": field.organization.display_name})


@login_required
@require_POST
def config_delete(request, kind, pk):
    model = {"rule": ReportingRule, "field": ReportField}.get(kind)
    if model is None:
        raise Http404
    obj = _config_object(request, model, pk)
    services.delete_config(obj, by=request.user)
    messages.success(request, _("Deleted."))
    return redirect(_settings_url(obj.organization))


@login_required
@require_POST
def fields_install_defaults(request):
    organization = _configurable(request, request.POST.get("org"))
    services.install_default_fields(organization, by=request.user)
    messages.success(request, _("The default fields were added."))
    return redirect(_settings_url(organization))


# --- the old addresses ------------------------------------------------------------------------------


@csrf_exempt  # it only redirects; the page it redirects to checks the token of a form sent again
@moved_page
def moved(request, name, **kwargs):
    """The page at its address before the reports app had its own (/plans/reports/…)."""
    return moved_to(request, reverse(f"reports:{name}", kwargs=kwargs))
