"""Pages of imports, exports and certificates: uploading a national platform's export, its progress and problems,
applying it; the service records as .xlsx; the 志愿服务记录证明 as a PDF (issued from a volunteer's page, or by
volunteers for themselves) and the public page that verifies one.

Requests stay short: an upload is stored and checked by Celery, the page polls the import's progress (htmx).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import add_errors
from core.pagination import paginate
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.tables import list_response
from orgs.choices import ImportStatus
from orgs.permissions import Action, get_visible_or_404, require_any

from .. import certificates, imports
from ..filtersets import ServiceRecordFilterSet
from ..forms.transfer import ImportForm
from ..models import ServiceRecord, Volunteer, VolunteerImport
from ..selectors import own_volunteer
from ..sheets import import_template, records_workbook
from ..tables import ServiceRecordTable

PROBLEMS_PER_PAGE = 100


# --- imports ---------------------------------------------------------------------------------------------------


@login_required
def import_upload(request):
    """Step 1: upload a file; it is kept and checked in the background."""
    require_any(request.user, Action.MANAGE_VOLUNTEERS)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = imports.start_import(by=request.user, kind=data["kind"], organization=data["organization"],
                                       activity=data["activity"], platform=data["platform"], upload=data["file"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("volunteers:import_detail", pk=job.pk)
    recent = VolunteerImport.objects.restrict(request.user).select_related("organization")[:10]
    return render(request, "volunteers/import_upload.html", {
        "form": form, "recent": recent, "volunteer_headers": imports.headers_of(VolunteerImport.Kind.VOLUNTEERS),
        "record_headers": imports.headers_of(VolunteerImport.Kind.RECORDS)})


@login_required
def import_template_download(request, kind):
    """The empty import template of ``kind`` ("volunteers" or "records") for those who keep volunteers."""
    require_any(request.user, Action.MANAGE_VOLUNTEERS)
    if kind not in VolunteerImport.Kind.values:
        raise Http404
    name = "志愿者导入模板.xlsx" if kind == VolunteerImport.Kind.VOLUNTEERS else "志愿服务记录导入模板.xlsx"
    return HttpResponse(import_template(kind), content_type=XLSX_CONTENT_TYPE,
                        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=name)})


def _import(request, pk):
    """An import is its uploader's alone: anyone else gets 404, as for one that does not exist."""
    return get_object_or_404(VolunteerImport.objects.restrict(request.user).select_related("organization", "activity"),
                             pk=pk)


@login_required
def import_detail(request, pk):
    """The import's progress while Celery works, then its counts and problems (by page), and the button to apply."""
    job = _import(request, pk)
    return render(request, "volunteers/import_detail.html", {
        "job": job, "progress": imports.current_progress(job),
        "problems": paginate(request, imports.problems_of(job), per_page=PROBLEMS_PER_PAGE),
        "finished": job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "can_apply": job.status == ImportStatus.DONE and not job.apply and bool(job.file)})


@login_required
def import_progress(request, pk):
    """The progress bar, polled by htmx; once the import is finished the whole page is shown again."""
    job = _import(request, pk)
    finished = job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    response = render(request, "volunteers/_import_progress.html", {
        "job": job, "progress": imports.current_progress(job), "finished": finished})
    if finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_apply(request, pk):
    """Step 2: write a checked file without problems, all of it or nothing, in the background."""
    job = _import(request, pk)
    try:
        imports.apply_import(job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteers:import_detail", pk=pk)


# --- the records export ----------------------------------------------------------------------------------------


def filtered_records(request):
    """The filterset of the records and the records the caller sees that it keeps (none when it is invalid)."""
    records = (ServiceRecord.objects.restrict(request.user)
               .select_related("volunteer", "organization", "activity__organization").order_by("-date", "-pk"))
    filterset = ServiceRecordFilterSet(request.GET or None, queryset=records, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, records.none()
    return filterset, filterset.qs


@login_required
def record_list(request):
    """The service records the caller sees, filtered, sorted and paged; "export this list" writes the records
    workbook of exactly these rows."""
    filterset, records = filtered_records(request)

    def workbook(rows):
        return FileResponse(records_workbook(rows), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=f"service-records-{timezone.localdate():%Y%m%d}.xlsx")
    return list_response(request, ServiceRecordTable(records), export=workbook, render_page=lambda table: render(
        request, "volunteers/record_list.html", {**table, "filterset": filterset}))


@login_required
def record_export(request):
    """The service records the caller sees (filtered as the list is) as .xlsx, streamed (any length)."""
    filterset, records = filtered_records(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filter is not valid: %(errors)s") % {"errors": filterset.errors.as_text()})
        return redirect("volunteers:volunteer_list")
    return FileResponse(records_workbook(records), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                        filename=f"service-records-{timezone.localdate():%Y%m%d}.xlsx")


# --- certificates ----------------------------------------------------------------------------------------------


def pdf_response(certificate, lines):
    response = HttpResponse(certificates.render_pdf(certificate, lines), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"志愿服务记录证明-{certificate.code}.pdf")
    return response


@login_required
@require_POST
def certificate_issue(request, pk):
    """Issue the volunteer's 志愿服务记录证明 (those who keep the volunteer) and download it."""
    volunteer = get_visible_or_404(request, Volunteer.objects.select_related("organization"), pk,
                                   Action.MANAGE_VOLUNTEERS)
    try:
        certificate, lines = certificates.issue_certificate(volunteer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(volunteer)
    return pdf_response(certificate, lines)


@login_required
def my_certificate(request):
    """Volunteers' own certificate, through the account their registration is linked to."""
    volunteer = own_volunteer(request.user)
    if volunteer is None or volunteer.is_anonymised:
        raise Http404
    certificate, lines = certificates.issue_certificate(volunteer, by=request.user)
    return pdf_response(certificate, lines)


@never_cache
def certificate_verify(request, code):
    """Public (no log-in): whether a certificate with this code was issued, with the name masked."""
    certificate = certificates.find_certificate(code)
    return render(request, "volunteers/certificate_verify.html", {
        "certificate": certificate, "code": code[:40],
        "masked_name": certificates.mask_name(certificate.volunteer.name) if certificate else ""},
        status=200 if certificate else 404)
