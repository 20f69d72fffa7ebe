"""Pages of monthly reports: the reporter's month form (phone-friendly) and the review on the same page."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from league_portal.permissions import GRANTS, Action, can, role_assignments
from league_portal.spreadsheets import parse_amount

from . import reporting
from .choices import ReportStatus
from .models import MonthlyReport


def _report(request, pk):
    return get_object_or_404(MonthlyReport.objects.restrict(request.user).select_related("organization"), pk=pk)


@login_required
def my_reports(request):
    """The reporting organisations of the user, this month's and last month's report of each."""
    organizations = {ra.organization for ra in role_assignments(request.user) if ra.role in GRANTS[Action.RECORD_PROGRESS]}
    this_month = reporting.month_start(timezone.localdate())
    last_month = reporting.month_start(this_month - datetime.timedelta(days=1))
    reports = {(r.organization_id, r.month): r for r in MonthlyReport.objects.filter(
        organization__in=organizations, month__in=[this_month, last_month])}
    rows = [(org, month, reports.get((org.pk, month)), reporting.due_date(month))
            for org in sorted(organizations, key=lambda o: o.path) for month in (last_month, this_month)]
    history = MonthlyReport.objects.filter(organization__in=organizations).select_related("organization")[:24]
    return render(request, "plans/my_reports.html", {"rows": rows, "history": history})


@login_required
@require_POST
def report_start(request):
    organization = next((ra.organization for ra in role_assignments(request.user)
                         if str(ra.organization_id) == request.POST.get("organization")), None)
    try:
        month = datetime.date.fromisoformat(request.POST.get("month", ""))
    except ValueError:
        month = None
    if organization is None or month is None:
        raise PermissionDenied
    report = reporting.start_report(organization, month, by=request.user)
    return redirect("plans:report_detail", pk=report.pk)


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    fields = reporting.fields_for(report.organization)
    editable = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and can(request.user, Action.RECORD_PROGRESS, report)
    errors = {}
    if request.method == "POST" and editable:
        lines, bad_lines = {}, []
        for line in report.lines.all():
            value, message = parse_amount(request.POST.get(f"line-{line.pk}", "").strip())
            if message:
                bad_lines.append(message)
            lines[line.pk] = (value, request.POST.get(f"line-{line.pk}-note", "")[:500])
        values = {f.key: request.POST.get(f"field-{f.key}", "") for f in fields}
        try:
            if bad_lines:
                raise ValidationError(bad_lines)
            report = reporting.save_draft(
                report, by=request.user, values=values, lines=lines, version=int(request.POST.get("version", 0)),
                work_done=request.POST.get("work_done", ""), problems=request.POST.get("problems", ""),
                next_plan=request.POST.get("next_plan", ""),
            )
            if "submit" in request.POST:
                report = reporting.submit_report(report, by=request.user, version=report.version)
                messages.success(request, _("The report was submitted."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect("plans:report_detail", pk=report.pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    previous = MonthlyReport.objects.filter(organization=report.organization, month__lt=report.month).first()
    return render(request, "plans/report_detail.html", {
        "report": report, "editable": editable, "errors": errors, "previous": previous,
        "fields": [(f, request.POST.get(f"field-{f.key}", "") if errors else report.values.get(f.key, "")) for f in fields],
        "lines": report.lines.select_related("assignment__target", "assignment__point"),
        "may_review": reporting.may_review(request.user, report), "events": report.events.select_related("by"),
    })


@login_required
@require_POST
def report_review(request, pk):
    """Return (with a reason), approve, or reopen (with a reason) — reviewers above the organisation."""
    report = _report(request, pk)
    steps = {"return": reporting.return_report, "approve": reporting.approve_report, "reopen": reporting.reopen_report}
    step = steps.get(request.POST.get("step"))
    if step is None:
        raise PermissionDenied
    kwargs = {"by": request.user, "version": int(request.POST.get("version", 0) or 0) or None}
    if step is not reporting.approve_report:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        step(report, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("plans:report_detail", pk=pk)
