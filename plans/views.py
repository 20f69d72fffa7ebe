"""Pages of plans: list, plan, work point, my tasks, decomposition and the editing forms.

Objects come from querysets scoped by the permission layer: outside one's reach is 404, a
visible object one may not change is 403. Figures are the stored roll-ups.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import parse_year
from core.files import serve_stored
from core.forms import add_errors, edit_page
from core.pagination import paginate, paginate_uncounted
from core.spreadsheets import SpreadsheetError, download, parse_amount, read_table, table_from_form
from core.tables import list_response
from orgs.choices import Kind, Level, Sector
from orgs.forms import ImportForm, OrganizationSwitchForm
from orgs.models import Organization
from orgs.permissions import Action, can, get_visible_or_404, has_any

from . import importers, ledger, selectors, services
from .choices import Light
from .filtersets import AssignmentFilterSet, PlanFilterSet
from .forms import (
    DocumentForm,
    MilestoneForm,
    PlanForm,
    ProgressForm,
    SectionForm,
    TargetForm,
    WorkPointForm,
    structure_from_post,
)
from .models import Assignment, Evidence, Milestone, Plan, Section, Target, WorkPoint
from .parser import LOW_CONFIDENCE, MAX_CHARS, doubtful_count, highlight_targets, parse_text
from .tables import PlanTable

CHILDREN_SHOWN = 100  # a target handed to hundreds of branches lists the first ones; the ledger has all




def _viewing_organization(request, plan):
    """Whose figures a plan page shows: ``?org=<code>``, else the plan's organisation, else the top holder."""
    holders = selectors.visible_plan_organizations(plan, request.user)
    code = (request.GET.get("org") or "").strip()
    if code:
        found = holders.filter(code=code).first()
        if found:
            return found
        # a code picked (or typed) that holds no part of the plan the user sees: say so, show the default
        messages.info(request, _("%(code)s holds no part of this plan that you may see; the plan's own figures are "
                                 "shown.") % {"code": code[:40]})
    if can(request.user, Action.VIEW, plan.organization):
        return plan.organization
    return holders.first()


@login_required
def plan_list(request):
    filterset = PlanFilterSet(request.GET or None, queryset=Plan.objects.restrict(request.user).select_related("organization"),
                              request=request)
    plans = filterset.qs if filterset.is_bound and filterset.is_valid() else Plan.objects.none() if filterset.is_bound else filterset.queryset
    current = getattr(request, "current_role", None)
    table = PlanTable(plans, organization=current.organization if current else None)

    def page(context):
        # each row's figures: the whole plan at its owner, or the current organisation's share (本单位承担部分)
        rows = [row.record.figures for row in context["table"].page.object_list]
        return render(request, "plans/plan_list.html", {
            **context, "rows": rows, "filterset": filterset, "can_create": has_any(request.user, Action.EDIT_PLAN)})

    return list_response(request, table, page)


@login_required
def plan_detail(request, pk):
    plan = get_visible_or_404(request, Plan.objects.select_related("organization"), pk)
    organization = _viewing_organization(request, plan)
    held = Assignment.objects.filter(plan=plan, organization=organization)
    filterset = AssignmentFilterSet(request.GET or None, queryset=held, request=request)
    filtering = filterset.is_bound and any(request.GET.get(name) for name in filterset.filters)
    shown = filterset.qs if filtering and filterset.is_valid() else held
    shown_points = set(shown.values_list("point_id", flat=True))
    figures = selectors.plan_figures(plan, organization)
    sections = []
    for section in plan.sections.prefetch_related(
        Prefetch("points", queryset=WorkPoint.objects.select_related("lead_department", "group"))
    ):
        points = [(p, *figures[p.pk]) for p in section.points.all() if p.pk in figures and p.pk in shown_points]
        if organization == plan.organization and not filtering:
            # points nobody holds yet (no target, not handed down) still belong to the plan's own page
            points += [(p, None, Light.NOT_STARTED, []) for p in section.points.all() if p.pk not in figures]
            points.sort(key=lambda row: (row[0].order, row[0].pk))
        if points or (organization == plan.organization and not filtering):
            completion, light = selectors.plan_completion([(c, lt, i) for _p, c, lt, i in points])
            sections.append((section, completion, light, points))
    completion, light = selectors.plan_completion(list(figures.values()))
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "organization": organization, "sections": sections, "filterset": filterset,
        "completion": completion, "light": light,
        "can_edit": can(request.user, Action.EDIT_PLAN, plan),
        "switch": OrganizationSwitchForm(
            user=request.user, organization=None if organization == plan.organization else organization,
            label=_("Figures of"), css="",
            within=plan.organization if can(request.user, Action.VIEW, plan.organization) else None).field,
    })


@login_required
def assignment_children(request, pk):
    """The figures of each organisation an assignment was handed to (htmx rows)."""
    assignment = get_visible_or_404(request, Assignment.objects.all(), pk)
    children = assignment.children.restrict(request.user).select_related("organization", "target").order_by("organization__path")
    return render(request, "plans/_assignment_children.html", {
        "assignment": assignment, "children": children[:CHILDREN_SHOWN], "children_count": children.count(),
    })


@login_required
def point_detail(request, pk):
    point = get_visible_or_404(request, WorkPoint.objects.select_related("section__plan__organization", "lead_department"), pk)
    plan = point.section.plan
    organization = _viewing_organization(request, plan)
    held = {a.target_id: a for a in Assignment.objects.filter(point=point, organization=organization).select_related("target")}
    targets = []
    for target in point.targets.all():
        own = held.get(target.pk)
        children = own.children.restrict(request.user).select_related("organization").order_by("organization__path") if own else None
        targets.append((target, own, children[:CHILDREN_SHOWN] if own else [], children.count() if own else 0))
    entries = selectors.point_entries(point, request.user, organization) if organization else Assignment.objects.none()
    return render(request, "plans/point_detail.html", {
        "point": point, "plan": plan, "organization": organization, "targets": targets,
        "qualitative": held.get(None), "milestones": point.milestones.all(),
        # tens of thousands of entries at the province: counting them all for a page total cost more than the page
        "entries": paginate_uncounted(request, entries, per_page=20),
        "changes": selectors.point_history(point, request.user),
        "can_edit": can(request.user, Action.EDIT_PLAN, plan),
        "can_assign": {a.pk for a in held.values() if can(request.user, Action.ASSIGN, a)},
        # a target bound to a volunteer figure fills itself: nobody enters its progress
        "can_record": {a.pk for a in held.values()
                       if not (a.target and a.target.volunteer_figure) and can(request.user, Action.RECORD_PROGRESS, a)},
    })


@login_required
def my_tasks(request):
    tasks = selectors.my_tasks(request.user)
    page = paginate(request, tasks)
    return render(request, "plans/my_tasks.html", {"page": page, "forms": {a.pk: ProgressForm(assignment=a, prefix=f"a{a.pk}") for a in page}})


@login_required
def record_progress(request, pk):
    """The progress form of one assignment; htmx posts it inline from 我的任务 and the point page."""
    assignment = get_visible_or_404(request, Assignment.objects.select_related("plan", "target", "point", "organization"), pk,
                      Action.RECORD_PROGRESS)
    prefix = f"a{assignment.pk}"
    form = ProgressForm(request.POST or None, request.FILES or None, assignment=assignment, prefix=prefix)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.record_progress(assignment, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            saved = True
            assignment.refresh_from_db()
            form = ProgressForm(assignment=assignment, prefix=prefix)
    template = "plans/_task_row.html" if request.htmx else "plans/progress_form.html"
    # asked for by its button (the point page, or this page's own address): the form is open, not one more click away
    return render(request, template, {"assignment": assignment, "form": form, "saved": saved,
                                      "open_form": request.method == "GET"})


ORG_FILTER_FIELDS = {"level": Level, "kind": Kind, "sector": Sector}


def _parts_from_inputs(request, candidates):
    """Parts typed into the form: (parts, names of organisations whose value is not a number)."""
    parts, bad = [], []
    for org in candidates:
        value, message = parse_amount(request.POST.get(f"value-{org.pk}", "").strip())
        if message:
            bad.append(org.name)
        elif value is not None:
            parts.append((org, value, None))
    return parts, bad


def _parts_from_upload(request, parent, sheet_errors):
    """Parts from an uploaded sheet (组织编码, 分解目标值, 完成时限); problems go to ``sheet_errors``."""
    try:
        table = read_table(request.FILES["file"], use="decompose")
    except SpreadsheetError as exc:
        sheet_errors.append((1, "", str(exc)))
        return [], []
    parts, errors = importers.parts_from_table(table, parent, request.user)
    sheet_errors.extend(errors)
    return parts, []


@login_required
def decompose(request, pk):
    """Hand an assignment down: direct children by default, or every organisation matching a filter."""
    parent = get_visible_or_404(request, Assignment.objects.select_related("plan", "target", "point", "organization"), pk, Action.ASSIGN)
    candidates = Organization.objects.within(parent.organization, include_self=False).restrict(request.user)
    filters = {name: request.GET.get(name) for name in ORG_FILTER_FIELDS if request.GET.get(name) in ORG_FILTER_FIELDS[name].values}
    candidates = candidates.filter(**filters) if filters else candidates.filter(depth=parent.organization.depth + 1)
    candidates = list(candidates.with_subtree_totals().order_by("path")[:2000])
    existing = {a.organization_id: a for a in parent.children.all()}
    error, sheet_errors = None, []
    if request.method == "POST":
        if request.FILES.get("file"):
            parts, bad = _parts_from_upload(request, parent, sheet_errors)
        else:
            parts, bad = _parts_from_inputs(request, candidates)
        if sheet_errors:
            error = _("The file has errors; nothing was imported.")
        elif bad:
            error = _("Not a valid number for: %(names)s.") % {"names": "、".join(bad)}
        elif not parts:
            error = _("Enter a value for at least one organisation.")
        else:
            try:
                created, changed = services.decompose(parent, parts, by=request.user,
                                                      confirm_mismatch=bool(request.POST.get("confirm_mismatch")))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("Handed down: %(new)d new, %(changed)d changed.") % {"new": len(created), "changed": len(changed)})
                return redirect(f"{parent.point.get_absolute_url()}?org={parent.organization.code}")
    rows = [(org, request.POST.get(f"value-{org.pk}") if request.method == "POST"
             else (existing[org.pk].assigned_value if org.pk in existing else "")) for org in candidates]
    return render(request, "plans/decompose.html", {
        "parent": parent, "rows": rows, "error": error, "sheet_errors": sheet_errors, "filters": filters,
        "filter_choices": {name: choices.choices for name, choices in ORG_FILTER_FIELDS.items()},
        "summed": parent.target_id and parent.target.aggregation == "sum",
    })


# --- editing ------------------------------------------------------------------------------


@login_required
def plan_create(request):
    role = request.current_role
    organization = role.organization if role and can(request.user, Action.EDIT_PLAN, role.organization) else None
    if organization is None:
        raise PermissionDenied
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})

    def save(form):
        return services.create_plan(by=request.user, organization=organization, **form.cleaned_data)

    return edit_page(request, form, save, heading=_("New plan for %(org)s") % {"org": organization.name},
                     done=_("The plan was created."))


def _plan_organization_picker(request, organization):
    """The plan-import review's organisation: a picker of those whose plans the user may edit."""
    return OrganizationSwitchForm(user=request.user, organization=organization, label=_("Organisation"),
                                  action=Action.EDIT_PLAN, name="organization", css="").field


@login_required
def plan_import(request):
    """A plan from a document: paste or upload, review the parsed structure beside the text, create a draft."""
    role = request.current_role
    default_org = role.organization if role and can(request.user, Action.EDIT_PLAN, role.organization) else None
    if not has_any(request.user, Action.EDIT_PLAN):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "create":
        sections, errors = structure_from_post(request.POST)
        organization = Organization.objects.restrict(request.user, Action.EDIT_PLAN).filter(
            code=request.POST.get("organization", "").strip()).first()
        if organization is None:
            errors.append(_("Choose an organisation (by its code) whose plans you may edit."))
        typed_year, title = request.POST.get("year", "").strip()[:10], request.POST.get("title", "").strip()[:200]
        try:
            year = parse_year(typed_year)
        except ValidationError:
            errors.append(_("Give the plan's year, e.g. 2026."))
        if not title:
            errors.append(_("Give the plan a title."))
        if not errors:
            try:
                plan = services.create_plan_from_structure(by=request.user, organization=organization, year=year,
                                                           title=title, sections=sections)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("The draft plan was created from the document; check it and publish it."))
                return redirect(plan)
        document = request.POST.get("document", "")[:MAX_CHARS]  # sent back by the review page, which had at most this
        parsed = {"title": title, "year": typed_year, "sections": sections}
        return render(request, "plans/plan_import_review.html", {
            "parsed": parsed, "document_html": highlight_targets(document, parsed), "document": document,
            "errors": errors, "low_confidence": LOW_CONFIDENCE,
            "organization_picker": _plan_organization_picker(request, request.POST.get("organization", "")[:40]),
        })
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        parsed = parse_text(document)
        return render(request, "plans/plan_import_review.html", {
            "parsed": parsed, "document_html": highlight_targets(document, parsed), "document": document,
            "doubtful_count": doubtful_count(parsed), "low_confidence": LOW_CONFIDENCE,
            "organization_picker": _plan_organization_picker(request, default_org),
        })
    return render(request, "plans/plan_import.html", {"form": form})


@login_required
def plan_edit(request, pk):
    plan = get_visible_or_404(request, Plan.objects.all(), pk, Action.EDIT_PLAN)
    form = PlanForm(request.POST or None, instance=Plan.objects.get(pk=pk))
    return edit_page(request, form, lambda form: services.update_plan(plan, by=request.user, **form.cleaned_data),
                     heading=_("Edit plan"), back=plan.get_absolute_url())


@login_required
def section_add(request, pk):
    plan = get_visible_or_404(request, Plan.objects.all(), pk, Action.EDIT_PLAN)
    form = SectionForm(request.POST or None)
    return edit_page(request, form, lambda form: services.add_section(plan, by=request.user, **form.cleaned_data),
                     heading=_("New section"), back=plan.get_absolute_url())


@login_required
def point_add(request, pk):
    section = get_visible_or_404(request, Section.objects.select_related("plan__organization"), pk, Action.EDIT_PLAN)
    form = WorkPointForm(request.POST or None, organization=section.plan.organization, section=section)
    return edit_page(request, form, lambda form: services.add_point(section, by=request.user, **form.cleaned_data),
                     heading=_("New work point in %(section)s") % {"section": section}, back=section.plan.get_absolute_url())


@login_required
def point_edit(request, pk):
    point = get_visible_or_404(request, WorkPoint.objects.select_related("section__plan__organization"), pk, Action.EDIT_PLAN)
    form = WorkPointForm(request.POST or None, instance=WorkPoint.objects.get(pk=pk), organization=point.section.plan.organization,
                         section=point.section)
    return edit_page(request, form, lambda form: services.update_point(point, by=request.user, **form.cleaned_data),
                     heading=_("Edit work point"), back=point.get_absolute_url())


@login_required
def target_add(request, pk):
    point = get_visible_or_404(request, WorkPoint.objects.select_related("section__plan"), pk, Action.EDIT_PLAN)
    form = TargetForm(request.POST or None)
    return edit_page(request, form, lambda form: services.add_target(point, by=request.user, **form.cleaned_data).point,
                     heading=_("New target for %(point)s") % {"point": point}, back=point.get_absolute_url())


@login_required
def target_edit(request, pk):
    target = get_visible_or_404(request, Target.objects.select_related("point__section__plan"), pk, Action.EDIT_PLAN)
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=pk))
    return edit_page(request, form, lambda form: services.update_target(target, by=request.user, **form.cleaned_data).point,
                     heading=_("Edit target"), back=target.point.get_absolute_url())


@login_required
@require_POST
def milestone_add(request, pk):
    point = get_visible_or_404(request, WorkPoint.objects.select_related("section__plan"), pk, Action.EDIT_PLAN)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_milestone(point, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Give the milestone a title and a date."))
    return redirect(point)


@login_required
@require_POST
def milestone_done(request, pk):
    milestone = get_object_or_404(Milestone.objects.filter(point__in=WorkPoint.objects.restrict(request.user)), pk=pk)
    if not can(request.user, Action.EDIT_PLAN, milestone.point):
        raise PermissionDenied
    done_on = None if milestone.done_on else timezone.localdate()
    try:
        services.complete_milestone(milestone, by=request.user, done_on=done_on)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(milestone.point)


@login_required
def ledger_export(request, pk):
    """The plan's ledger (台账) at the viewed organisation and below, as .xlsx."""
    plan = get_visible_or_404(request, Plan.objects.all(), pk)
    organization = _viewing_organization(request, plan)
    return download(ledger.export_ledger(plan, request.user, organization), f"ledger-{plan.pk}.xlsx")


@login_required
def ledger_import(request, pk):
    """Upload the ledger with 本次填报数 filled in: every row checked, all written or none."""
    plan = get_visible_or_404(request, Plan.objects.all(), pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        table = table_from_form(form, use="ledger")
        if table is not None:
            checked = ledger.check_ledger(table, plan, request.user)
            if checked.is_valid and checked.rows:
                count = ledger.apply_ledger(checked, by=request.user)
                messages.success(request, _("%(count)d progress entries were recorded.") % {"count": count})
                return redirect(plan)
            if checked.is_valid:
                form.add_error("file", _("No row has a figure in 本次填报数."))
    return render(request, "plans/ledger_import.html", {"plan": plan, "form": form, "checked": checked})


@login_required
def evidence_download(request, pk):
    """An evidence file, for those who may see its entry (uploads are never served publicly)."""
    evidence = get_visible_or_404(request, Evidence.objects.all(), pk)
    return serve_stored(evidence.file, filename=evidence.original_name, as_attachment=False)
