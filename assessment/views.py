"""Pages of the monthly assessment: schemes and their indicators, a month's score table (recompute, appeal
window, publish, the Excel sheet), assessor entries, an organisation's score with its breakdown, trend and
appeals, and the user's own scores."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import parse_month
from core.files import serve_stored
from core.forms import add_errors, edit_page
from core.jobs import send
from core.months import last_month
from core.pagination import paginate
from core.spreadsheets import download
from core.tables import list_response
from orgs.permissions import Action, can, get_visible_or_404, has_any, organizations_held, require, require_any

from . import compute, selectors, services, sheets
from .choices import AppealStatus, RunStatus
from .filtersets import ScoreFilterSet
from .forms import AdjustmentForm, IndicatorForm, ManualPointsForm, NewSchemeForm, SchemeForm
from .models import (
    POINTS,
    SCORES_SHOWN,
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Indicator,
    ManualPoints,
    Score,
    ScoreItem,
)
from .tables import ScoreTable

LARGEST_ADJUSTMENT = Decimal(10) ** (POINTS["max_digits"] - POINTS["decimal_places"])


def _errors(exc):
    return " ".join(exc.messages)


# --- schemes ------------------------------------------------------------------------------------


@login_required
def scheme_list(request):
    schemes = AssessmentScheme.objects.restrict(request.user).select_related("organization").order_by("-year",
                                                                                                     "organization__path")
    return render(request, "assessment/scheme_list.html", {
        "page": paginate(request, schemes), "can_assess": has_any(request.user, Action.ASSESS)})


@login_required
def scheme_create(request):
    require_any(request.user, Action.ASSESS)
    form = NewSchemeForm(request.POST or None, user=request.user,
                         initial={"year": timezone.localdate().year, "title": f"{timezone.localdate().year}年团支部工作月度考核"})

    def save(form):
        data = form.cleaned_data
        if data["ready"]:
            scheme = services.install_default_scheme(data["issuer"], data["year"], by=request.user,
                                                       levels=data["levels"] or ["grassroots"])
            scheme.title = data["title"]
        else:
            scheme = form.save(commit=False)
            scheme.organization = data["issuer"]
        return services.save_scheme(scheme, by=request.user)

    return edit_page(request, form, save, heading=_("New assessment scheme"), back=reverse("assessment:scheme_list"),
                     done=_("The scheme was created."))


def _scheme(request, pk, action=Action.VIEW):
    return get_object_or_404(AssessmentScheme.objects.restrict(request.user, action).select_related("organization"), pk=pk)


@login_required
def scheme_detail(request, pk):
    scheme = _scheme(request, pk)
    may_assess = selectors.may_assess(request.user, scheme)
    runs = AssessmentRun.objects.restrict(request.user).filter(scheme=scheme).order_by("-month", "-version")
    today = timezone.localdate()
    months = [datetime.date(scheme.year, m, 1) for m in range(1, 13) if datetime.date(scheme.year, m, 1) <= today]
    default_month = last_month(today)
    # the months whose reports are not all due yet (at most last month and this one): only a preview for them
    open_months = [(m, closes) for m in months[-2:] if may_assess
                   for closes in [selectors.reporting_closes(scheme, m)] if today <= closes]
    return render(request, "assessment/scheme_detail.html", {
        "scheme": scheme, "tree": sheets.indicator_tree(scheme), "runs": runs, "may_assess": may_assess,
        "kept": selectors.indicators_in_published_scores(scheme) if may_assess else set(),
        "months": months, "default_month": default_month,
        "open_months": open_months,
        "group_size": selectors.group_of(scheme).count(),
        "other_indicators": [i for i in scheme.indicators.all() if i.parent_id is None and not i.rule and not i.children.exists()],
    })


@login_required
def scheme_edit(request, pk):
    scheme = _scheme(request, pk, Action.ASSESS)
    form = SchemeForm(request.POST or None, instance=scheme)
    return edit_page(request, form, lambda form: services.save_scheme(form.save(commit=False), by=request.user),
                     heading=_("Edit the scheme"), back=scheme.get_absolute_url(), done=_("Saved."))


@login_required
def indicator_edit(request, pk=None, scheme_pk=None):
    if pk is None:
        indicator = Indicator(scheme=_scheme(request, scheme_pk, Action.ASSESS))
    else:
        indicator = get_object_or_404(Indicator.objects.restrict(request.user, Action.ASSESS).select_related("scheme"), pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)

    def save(form):
        services.save_indicator(form.save(commit=False), by=request.user)
        return indicator.scheme

    return edit_page(request, form, save, heading=_("Indicator of %(scheme)s") % {"scheme": indicator.scheme.title},
                     back=indicator.scheme.get_absolute_url(), done=_("Saved."))


@login_required
@require_POST
def indicator_delete(request, pk):
    indicator = get_object_or_404(Indicator.objects.restrict(request.user, Action.ASSESS).select_related("scheme"), pk=pk)
    try:
        services.delete_indicator(indicator, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Deleted."))
    return redirect(indicator.scheme)


@login_required
@require_POST
def scheme_compute(request, pk):
    """重新计算: start computing a month (a new version, with a reason, when it is published)."""
    scheme = _scheme(request, pk, Action.ASSESS)
    try:
        month = parse_month(request.POST.get("month", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(scheme)
    try:
        run = services.request_computation(scheme, month, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(scheme)
    return redirect("assessment:run_detail", pk=run.pk)


@login_required
def scheme_preview(request, pk):
    """预览: a month scored as it stands, for the scheme's assessors — shown, never stored, published or sent (the only
    way to see a month whose reports are not all due yet)."""
    scheme = _scheme(request, pk, Action.ASSESS)
    try:
        month = services.check_preview_month(scheme, parse_month(request.GET.get("month", "")))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(scheme)
    results = compute.preview(scheme, month)
    leaves = [leaf for _top, group in sheets.indicator_tree(scheme) for leaf in group]
    closes = selectors.reporting_closes(scheme, month)
    rows = []
    for result in results:
        by_indicator = {line.indicator.pk: line for line in result.items if line.indicator is not None}
        rows.append((result, [by_indicator.get(leaf.pk) for leaf in leaves]))
    return render(request, "assessment/scheme_preview.html", {
        "scheme": scheme, "month": month, "rows": rows, "leaves": leaves, "closes": closes,
        "open": timezone.localdate() <= closes,
    })


@login_required
def scheme_year_sheet(request, pk):
    scheme = _scheme(request, pk)
    if not selectors.may_assess(request.user, scheme):
        raise PermissionDenied
    rows = Score.objects.filter(run__scheme=scheme, run__status=RunStatus.PUBLISHED).count()
    return _sheet(request, rows, f"{scheme.title}年度汇总.xlsx", lambda: sheets.year_workbook(scheme), ("year", scheme.pk))


# --- a month's scores ------------------------------------------------------------------------------


def _run(request, pk):
    return get_object_or_404(AssessmentRun.objects.restrict(request.user).select_related("scheme__organization"), pk=pk)


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    may_assess = selectors.may_assess(request.user, run.scheme)
    scores = (Score.objects.restrict(request.user).filter(run=run).select_related("organization")
              .order_by("rank", "organization__path"))
    filterset = ScoreFilterSet(request.GET or None, queryset=scores, request=request)
    shown = filterset.qs if filterset.is_bound and filterset.is_valid() else scores
    # a score links to its stable address; an older version than the newest one shown names its version
    versions = list(AssessmentRun.objects.restrict(request.user).filter(scheme=run.scheme, month=run.month)
                    .order_by("-version"))
    filename = f"{run.scheme.title}-{run.month:%Y-%m}.xlsx"
    table = ScoreTable(shown, run=run, pin_version=versions[0].pk != run.pk)
    return list_response(request, table, filename=filename, render_page=lambda table: render(
        request, "assessment/run_detail.html", {
        **table, "run": run, "scheme": run.scheme, "may_assess": may_assess, "filterset": filterset,
        "progress": compute.progress_of(run),
        "versions": versions, "pin_version": versions[0].pk != run.pk,
        "appeals": Appeal.objects.restrict(request.user).filter(run=run)
        .select_related("organization", "filed_by", "decided_by").prefetch_related("evidence") if may_assess else [],
        "leaves": [leaf for _top, group in sheets.indicator_tree(run.scheme) for leaf in group],
    }))


@login_required
def run_progress(request, pk):
    """htmx, every second while computing: the progress bar, or a reload once done."""
    run = _run(request, pk)
    response = render(request, "assessment/_run_progress.html", {"run": run, "progress": compute.progress_of(run)})
    if run.status != RunStatus.COMPUTING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_step(request, pk):
    run = _run(request, pk)
    steps = {"appeals": services.open_appeals, "publish": services.publish}
    step = steps.get(request.POST.get("step"))
    if step is None:
        raise PermissionDenied
    try:
        step(run, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("assessment:run_detail", pk=pk)


def _sheet(request, rows, filename, build, job):
    """The workbook at once, or — for large groups — written by Celery and offered in the bell when ready."""
    if rows <= settings.SCORE_SHEET_SYNC_ROWS:
        return download(build(), filename)
    send("assessment.tasks.write_score_sheet", [*job, request.user.pk, filename])
    messages.info(request, _("The sheet is large; it is being written and will appear under the bell when ready."))
    return redirect(request.META.get("HTTP_REFERER") or reverse("assessment:scheme_list"))


@login_required
def run_sheet(request, pk):
    """The month's 考核评分表: for the assessors, and for the issuing organisation's side once published."""
    run = _run(request, pk)
    if not (selectors.may_assess(request.user, run.scheme)
            or (run.status == RunStatus.PUBLISHED and can(request.user, Action.VIEW, run.scheme.organization))):
        raise PermissionDenied
    return _sheet(request, run.scores.count(), f"{sheets.title_of(run)}.xlsx",
                  lambda: sheets.month_workbook(run), ("month", run.pk))


@login_required
def run_entries(request, pk):
    """Assessor entries of the month: manual points and bonuses or deductions, each with its reason."""
    run = _run(request, pk)
    scheme = run.scheme
    require(request.user, Action.ASSESS, scheme)
    manual_form = ManualPointsForm(request.POST if "manual" in request.POST else None, scheme=scheme, user=request.user,
                                   prefix="m")
    adjustment_form = AdjustmentForm(request.POST if "adjustment" in request.POST else None, scheme=scheme,
                                     user=request.user, prefix="a")
    if request.method == "POST":
        form = manual_form if "manual" in request.POST else adjustment_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is manual_form:
                    services.set_manual_points(data["indicator"], data["organization"], run.month, by=request.user,
                                                 points_given=data["points"], comment=data["comment"])
                else:
                    services.add_adjustment(scheme, data["organization"], run.month, by=request.user, kind=data["kind"],
                                              points_given=data["points"], reason=data["reason"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved; recompute the month to see it in the scores."))
                return redirect("assessment:run_entries", pk=pk)
    return render(request, "assessment/run_entries.html", {
        "run": run, "scheme": scheme, "manual_form": manual_form, "adjustment_form": adjustment_form,
        "manual": ManualPoints.objects.restrict(request.user).filter(indicator__scheme=scheme, month=run.month)
        .select_related("indicator", "organization", "entered_by"),
        "adjustments": Adjustment.objects.restrict(request.user).filter(scheme=scheme, month=run.month)
        .select_related("organization", "entered_by"),
    })


@login_required
@require_POST
def adjustment_delete(request, pk):
    adjustment = get_object_or_404(Adjustment.objects.restrict(request.user, Action.ASSESS), pk=pk)
    services.remove_adjustment(adjustment, by=request.user)
    messages.success(request, _("Deleted."))
    run = selectors.latest_run(adjustment.scheme, adjustment.month)
    return redirect("assessment:run_entries", pk=run.pk) if run else redirect(adjustment.scheme)


# --- an organisation's score ----------------------------------------------------------------------


def _scores(request):
    return (Score.objects.restrict(request.user).select_related("run__scheme__organization", "organization")
            .prefetch_related(Prefetch("items", queryset=ScoreItem.objects.select_related("indicator__parent"))))


@login_required
def score_page(request, scheme_pk, month, code):
    """An organisation's score of a scheme's month, at an address that outlives recomputations and versions
    (scheme, month, organisation code): the newest version the user may see, or ``?version=N``."""
    try:
        version = int(request.GET["version"]) if request.GET.get("version") else None
    except ValueError as exc:
        raise Http404 from exc
    scores = _scores(request).filter(run__scheme_id=scheme_pk, run__month=month, organization__code=code)
    if version is not None:
        scores = scores.filter(run__version=version)
    score = scores.order_by("-run__version").first()
    if score is None:
        raise Http404
    return _score_page(request, score)


@login_required
def score_detail(request, pk):
    """The address by id that links kept before the stable one: the same score at its stable address (its version
    named when a newer one is shown there)."""
    score = get_object_or_404(Score.objects.restrict(request.user).select_related("run", "organization"), pk=pk)
    newest = (Score.objects.restrict(request.user)
              .filter(run__scheme_id=score.run.scheme_id, run__month=score.run.month, organization_id=score.organization_id)
              .order_by("-run__version").values_list("run__version", flat=True).first())
    return redirect(selectors.score_url(score.run.scheme_id, score.run.month, score.organization.code,
                                        None if newest == score.run.version else score.run.version))


def _score_page(request, score):
    run = score.run
    trend = list(selectors.trend(score.organization, run.scheme, request.user))
    appeals = (Appeal.objects.restrict(request.user).filter(run=run, organization=score.organization)
               .select_related("filed_by", "decided_by").prefetch_related("evidence"))
    may_appeal = (run.status == RunStatus.APPEAL and run.appeal_until and timezone.localdate() <= run.appeal_until
                  and can(request.user, Action.RECORD_PROGRESS, score.organization)
                  and not appeals.filter(status=AppealStatus.PENDING).exists())
    return render(request, "assessment/score_detail.html", {
        "score": score, "run": run, "scheme": run.scheme, "trend": trend,
        "appeals": appeals,
        "may_appeal": may_appeal, "may_assess": selectors.may_assess(request.user, run.scheme),
        "group_size": run.scores.count(),
    })


@login_required
def score_trend(request, pk):
    """The trend of the score page as chart data (static/js/charts.js): the organisation's published totals and ranks
    of the scheme's year, month by month; the same scoping as the page (404 for a score the user does not see)."""
    score = get_object_or_404(Score.objects.restrict(request.user).select_related("run", "organization"), pk=pk)
    trend = list(selectors.trend(score.organization, score.run.scheme_id, request.user))
    return JsonResponse({
        "title": _("Published months"), "kind": "line", "draw": ["total"],
        "categories": [f"{t.run.month:%Y-%m}" for t in trend],
        "series": [{"key": "total", "name": _("Total"), "data": [float(t.total) for t in trend], "unit": ""},
                   {"key": "rank", "name": _("Rank"), "data": [t.rank for t in trend], "unit": ""}],
    }, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def appeal_file(request, pk):
    score = get_object_or_404(Score.objects.restrict(request.user).select_related("run", "organization"), pk=pk)
    try:
        services.file_appeal(score.run, score.organization, by=request.user, reason=request.POST.get("reason", ""),
                               files=request.FILES.getlist("files"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("The appeal was filed; the assessor will decide on it."))
    return redirect(selectors.score_url(score.run.scheme_id, score.run.month, score.organization.code,
                                        score.run.version))


@login_required
@require_POST
def appeal_decide(request, pk):
    appeal = get_object_or_404(Appeal.objects.restrict(request.user).select_related("run"), pk=pk)
    try:
        adjustment = Decimal(request.POST.get("adjustment") or 0)
    except ArithmeticError:
        adjustment = None
    if adjustment is not None and not (adjustment.is_finite() and abs(adjustment) < LARGEST_ADJUSTMENT):
        adjustment = None
    try:
        if adjustment is None:
            raise ValidationError(_("The adjustment is a number of points, e.g. 2 or -1.5."))
        services.decide_appeal(appeal, by=request.user, accept=request.POST.get("decision_step") == "accept",
                                 decision=request.POST.get("decision", ""), adjustment=adjustment)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The appeal was decided."))
    return redirect("assessment:run_detail", pk=appeal.run_id)


@login_required
def appeal_evidence(request, pk):
    """An appeal's file, for whoever may see the appeal (AppealEvidence's restrict(): its scheme's assessors and
    the organisations that see the one that appealed); 404 otherwise, as for a file that does not exist."""
    evidence = get_visible_or_404(request, AppealEvidence.objects.all(), pk)
    return serve_stored(evidence.file, filename=evidence.original_name, as_attachment=False)


@login_required
def my_scores(request):
    """The published (or open for appeal) scores of the user's own organisations, newest first."""
    own = organizations_held(request.user, Action.VIEW)
    scores = (Score.objects.restrict(request.user).filter(organization__in=own, run__status__in=SCORES_SHOWN)
              .select_related("run__scheme", "organization").order_by("-run__month", "run__scheme__title"))
    return render(request, "assessment/my_scores.html", {"scores": scores[:60]})
