"""The one permission layer of the portal.

Every queryset that reaches a user goes through ``Model.objects.restrict(user, action)`` and
every write is checked with ``can(user, action, obj)``. Both read the user's role assignments:
a role at an organisation covers that organisation's whole subtree (the reporter role only its
own organisation), and grants the actions listed in ``GRANTS``. Pages and API use this module
and nothing else to decide who may see or change what.

Models join through ``ScopedByOrganization`` by naming the organisation that owns a row
(``scope_owner``, an ORM path), and their querysets through ``RestrictedQuerySetMixin``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .choices import Role


class Action:
    """Names of the things a user may do; roles grant them in ``GRANTS``."""

    VIEW = "view"
    CHANGE_ORG = "change_org"  # edit organisations, add children, import, move subtrees
    MANAGE_USERS = "manage_users"  # user accounts and role assignments
    EDIT_PLAN = "edit_plan"  # create and change plans, sections, points and targets
    ASSIGN = "assign"  # hand points and targets down to child organisations
    RECORD_PROGRESS = "record_progress"  # enter progress on an organisation's assignments
    REVIEW_REPORT = "review_report"  # return or approve the monthly reports of the organisations below
    CONFIGURE_REPORTS = "configure_reports"  # who reports to an organisation, and the fields of its reports
    ASSESS = "assess"  # assessment schemes, manual points, bonuses and deductions, computing and publishing scores
    MANAGE_VOLUNTEERS = "manage_volunteers"  # the registry, activities, sign-in and confirming service hours
    UNMASK_PII = "unmask_pii"  # read a volunteer's document number and mobile in clear (each look is logged)
    VIEW_AUDIT = "view_audit"  # read the audit log of the organisations below


GRANTS: dict[str, frozenset[str]] = {
    Action.VIEW: frozenset(Role.values),
    Action.CHANGE_ORG: frozenset({Role.ADMIN}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.EDIT_PLAN: frozenset({Role.ADMIN, Role.STAFF}),
    Action.ASSIGN: frozenset({Role.ADMIN, Role.STAFF}),
    Action.RECORD_PROGRESS: frozenset({Role.ADMIN, Role.STAFF, Role.REPORTER}),
    Action.REVIEW_REPORT: frozenset({Role.ADMIN, Role.STAFF, Role.LEADER}),
    Action.CONFIGURE_REPORTS: frozenset({Role.ADMIN, Role.STAFF}),
    Action.ASSESS: frozenset({Role.ADMIN, Role.ASSESSOR}),
    Action.MANAGE_VOLUNTEERS: frozenset({Role.ADMIN, Role.STAFF, Role.REPORTER}),
    Action.UNMASK_PII: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN}),
}
# A reporter fills in the reports of one organisation and sees nothing below it.
OWN_ORGANISATION_ONLY = frozenset({Role.REPORTER})


@dataclass(frozen=True)
class Scope:
    """A part of the tree: one organisation, or its whole subtree."""

    path: str
    subtree: bool

    def covers(self, path: str) -> bool:
        return path.startswith(self.path) if self.subtree else path == self.path


class SystemUser:
    """The portal itself acting (management commands, the demo loader): may do everything.

    Services record it as nobody (``actor(by)`` is None) in their history fields.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = id = None

    def __str__(self):
        return "system"


SYSTEM = SystemUser()


def actor(by):
    """The user to record in a history field: None when the system acted."""
    return None if isinstance(by, SystemUser) else by


def role_assignments(user) -> list:
    """The user's role assignments with their organisations, read once per user object."""
    if not getattr(user, "is_authenticated", False) or isinstance(user, SystemUser):
        return []
    cached = getattr(user, "_portal_role_assignments", None)
    if cached is None:
        # through the reverse relation: this module sits below orgs.models, which imports it
        cached = list(user.role_assignments.select_related("organization").order_by("organization__path", "role"))
        user._portal_role_assignments = cached
    return cached


def organizations_held(user, action: str) -> list:
    """The organisations at which ``user`` holds a role that grants ``action`` (the organisations themselves,
    not their subtrees), in tree order."""
    granted = GRANTS[action]
    held = {ra.organization_id: ra.organization for ra in role_assignments(user) if ra.role in granted}
    return list(held.values())


def paths_at_and_above(user) -> set[str]:
    """The paths of the organisations at which ``user`` holds a role and of every organisation above them."""
    return {ra.organization.path[:end] for ra in role_assignments(user)
            for end in range(ra.organization.steplen, len(ra.organization.path) + 1, ra.organization.steplen)}


def forget_roles(user) -> None:
    """Drop the cached role assignments, after they were changed."""
    user.__dict__.pop("_portal_role_assignments", None)


def scopes(user, action: str) -> list[Scope]:
    """The parts of the tree in which ``user`` may do ``action``, without overlaps."""
    granted = GRANTS[action]
    found = {
        Scope(ra.organization.path, ra.role not in OWN_ORGANISATION_ONLY)
        for ra in role_assignments(user)
        if ra.role in granted
    }
    subtrees = [s for s in found if s.subtree]
    return sorted(
        (s for s in found if not any(o != s and o.covers(s.path) for o in subtrees)),
        key=lambda s: s.path,
    )


def scope_q(user, action: str, path_lookup: str) -> Q:
    """A filter that keeps the rows whose organisation path lies in the user's scopes."""
    if getattr(user, "is_superuser", False) and user.is_active:
        # not Q(): an empty Q vanishes when OR-ed with another condition, and everything must stay visible
        return Q(pk__isnull=False)
    parts = [
        Q(**{f"{path_lookup}__startswith" if s.subtree else path_lookup: s.path})
        for s in scopes(user, action)
    ]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may do ``action`` on ``obj`` (an organisation or a row owned by one)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    organization = obj.scope_organization
    if organization is None:
        return False
    return any(s.covers(organization.path) for s in scopes(user, action))


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless ``user`` may do ``action`` on ``obj`` (services call this).

    The message never names ``obj``: the refusal may concern something the user cannot see at all."""
    if not can(user, action, obj):
        raise PermissionDenied(_("You do not have permission to perform this action."))


def require_write(user, action: str, obj) -> None:
    """Check a create or an update: the right on the row as the database holds it now, and on the row
    as it will be saved.

    Callers may have set the new values on ``obj`` already (serializers and forms do), so the stored
    row is read again: an update can neither reach a row outside the user's part of the tree nor move
    a row out of it (a new organisation, plan, scheme or parent) or into it.
    """
    if obj.pk is not None:
        stored = type(obj)._base_manager.filter(pk=obj.pk).first()
        if stored is not None:
            require(user, action, stored)
    require(user, action, obj)


def has_any(user, action: str) -> bool:
    """Whether ``user`` may do ``action`` anywhere (to show or hide menu entries)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(scopes(user, action))


def get_visible_or_404(request, queryset, pk, action: str = Action.VIEW):
    """The row ``pk`` of ``queryset`` for a page that will do ``action`` to it: 404 when the user cannot see it
    (the same answer as for a row that does not exist), 403 when they see it but may not do ``action``."""
    obj = get_object_or_404(queryset.restrict(request.user), pk=pk)
    if action != Action.VIEW:  # seeing is restrict()'s to decide: a plan handed down is seen below its owner
        require(request.user, action, obj)
    return obj


def require_any(user, action: str) -> None:
    """Raise PermissionDenied unless ``user`` may do ``action`` somewhere (pages without an object)."""
    if not has_any(user, action):
        raise PermissionDenied


class ScopedByOrganization:
    """Model mixin: which organisation owns a row, declared once.

    ``scope_owner`` is the ORM path from the model to the organisation that owns a row (``"organization"``,
    ``"section__plan__organization"``; empty for an organisation itself). ``restrict()`` filters by that
    organisation's materialized path (``scope_path_lookup``, derived) and ``can()`` reads it from the row
    (``scope_organization``), so the two can never disagree.
    """

    scope_owner = "organization"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.scope_path_lookup = f"{cls.scope_owner}__path" if cls.scope_owner else "path"

    @property
    def scope_organization(self):
        return reduce(getattr, self.scope_owner.split("__"), self) if self.scope_owner else self


def has_audit_page(model) -> bool:
    """Whether rows of ``model`` have an audit page: those owned by an organisation, whose administrators read it."""
    return model is not None and issubclass(model, ScopedByOrganization) and hasattr(model.objects.all(), "restrict")


class RestrictedQuerySetMixin:
    """Adds ``restrict(user, action)`` to a queryset of a model that declares its scope."""

    def restrict(self, user, action: str = Action.VIEW):
        return self.filter(scope_q(user, action, self.model.scope_path_lookup))


class RestrictedQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    pass


class SeenWithQuerySet(RestrictedQuerySet):
    """For rows that belong to another scoped row (``Model.seen_with``, the ORM path to it): they are seen wherever
    that row is seen, by its queryset's own ``restrict()``; every other action follows their owner."""

    def restrict(self, user, action: str = Action.VIEW):
        if action != Action.VIEW:
            return super().restrict(user, action)
        parent = self.model
        for name in self.model.seen_with.split("__"):
            parent = parent._meta.get_field(name).related_model
        return self.filter(**{f"{self.model.seen_with}__in": parent.objects.restrict(user).values("pk")})
