"""Writes to the organisation tree, its departments, users and roles.

Every function takes ``by=`` (the acting user), checks the permission layer, runs in one
transaction and leaves a history row where the change matters later.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.bulk_actions import Refused

from . import audit
from .choices import AuditAction, Role
from .models import Department, Organization, OrganizationMove, RoleAssignment
from .permissions import Action, actor, forget_roles, require
from .selectors import manageable_users

User = get_user_model()

@transaction.atomic
def create_organization(*, by, parent=None, **fields):
    """Add an organisation under ``parent`` (a new root only for superusers)."""
    if parent is None:
        if not by.is_superuser:
            raise PermissionDenied(_("Only a superuser can create a top-level organisation."))
        created = Organization.objects.add_root(create_kwargs=fields)
    else:
        require(by, Action.CHANGE_ORG, parent)
        parent = Organization.objects.get(pk=parent.pk)  # fresh path and child count
        created = Organization.objects.add_child(parent, create_kwargs=fields)
    audit.record(by, AuditAction.ORG_CREATE, created, changes=audit.diff({}, audit.snapshot(created, fields)))
    return created


@transaction.atomic
def update_organization(organization, *, by, **fields):
    """Change an organisation's own fields; its place in the tree changes only by moving it."""
    require(by, Action.CHANGE_ORG, organization)
    changed = [name for name, value in fields.items() if getattr(organization, name) != value]
    before = audit.stored(organization, changed)
    for name in changed:
        setattr(organization, name, fields[name])
    if changed:
        organization.save(update_fields=[*changed, "updated_at"])
        audit.record(by, AuditAction.ORG_EDIT, organization, changes=audit.diff(before, audit.snapshot(organization, changed)))
    return changed


@transaction.atomic
def move_organization(organization, new_parent, *, by, reason=""):
    """Move a subtree under another parent, keeping a history row of the move."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    require(by, Action.CHANGE_ORG, organization)
    require(by, Action.CHANGE_ORG, new_parent)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(_("An organisation cannot be moved under itself or its own subtree."))
    old_parent = Organization.objects.get_parent(organization)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        return organization
    Organization.objects.move(organization, new_parent, "last-child")
    OrganizationMove.objects.create(
        organization=organization,
        old_parent=old_parent,
        new_parent=new_parent,
        old_parent_name=old_parent.name if old_parent else "",
        new_parent_name=new_parent.name,
        reason=reason,
        moved_by=actor(by),
    )
    audit.record(by, AuditAction.ORG_MOVE, organization, note=reason,
                 changes={"parent": [old_parent.name if old_parent else None, new_parent.name]})
    return Organization.objects.get(pk=organization.pk)


@transaction.atomic
def add_department(organization, *, by, name, display_order=0):
    require(by, Action.CHANGE_ORG, organization)
    department = Department(organization=organization, name=name, display_order=display_order)
    department.validate_constraints()
    department.save()
    audit.record(by, AuditAction.DEPARTMENT_ADD, department, organization,
                 changes=audit.diff({}, audit.snapshot(department, ("name", "display_order"))))
    return department


@transaction.atomic
def remove_department(department, *, by):
    require(by, Action.CHANGE_ORG, department)
    audit.record(by, AuditAction.DEPARTMENT_REMOVE, department, department.organization,
                 changes=audit.diff(audit.snapshot(department, ("name",)), {}))
    department.delete()


@transaction.atomic
def assign_role(user, organization, role, *, by):
    """Give ``user`` ``role`` at ``organization``; assigning it twice changes nothing.

    The account must be one the admin fully covers: nobody attaches an account from elsewhere in the
    tree to their own organisations (and then reads its e-mail and last log-in).
    """
    require(by, Action.MANAGE_USERS, organization)
    if not can_manage_account(by, user):
        raise PermissionDenied(_("This account holds roles outside your organisations."))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"granted_by": actor(by)}
    )
    if created:
        audit.record(by, AuditAction.ROLE_GRANT, assignment, changes={"role": [None, role]})
    forget_roles(user)
    return assignment


@transaction.atomic
def assign_role_to_many(users, organization, role, *, by):
    """Give every account of ``users`` ``role`` at ``organization``, all or none: each goes through
    ``assign_role`` (its checks unchanged), and an account the admin does not fully cover refuses the whole
    request, naming every such account, before anything is written."""
    require(by, Action.MANAGE_USERS, organization)
    users = list(users)
    covered = set(manageable_users(by).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    refused = [u for u in users if u.pk not in covered and not getattr(by, "is_superuser", False)]
    if refused:
        raise Refused(_("These accounts hold roles outside your organisations: %(names)s. Nothing was granted.")
                      % {"names": "、".join(u.username for u in refused)},
                      {u.pk: _("This account holds roles outside your organisations.") for u in refused})
    return [assign_role(user, organization, role, by=by) for user in users]


@transaction.atomic
def revoke_role(assignment, *, by):
    require(by, Action.MANAGE_USERS, assignment)
    if assignment.user_id == getattr(by, "pk", None) and assignment.role == Role.ADMIN and not by.is_superuser:
        raise ValidationError(_("You cannot revoke your own administrator role; ask another administrator."))
    audit.record(by, AuditAction.ROLE_REVOKE, assignment, changes={"role": [assignment.role, None]})
    assignment.delete()
    forget_roles(assignment.user)


def can_manage_account(by, user) -> bool:
    """An admin may change an account, or grant it a role, only when every role it holds lies in the
    admin's subtree (``selectors.manageable``)."""
    return getattr(by, "is_superuser", False) or manageable_users(by).filter(pk=user.pk).exists()


@transaction.atomic
def create_user(*, by, username, password, organization, role, first_name="", email=""):
    """Create an account together with its first role, so that no account is left without one."""
    require(by, Action.MANAGE_USERS, organization)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, first_name=first_name, email=email)
    user.set_password(password)
    user.save()
    audit.record(by, AuditAction.ACCOUNT_CREATE, user, organization, changes={
        **audit.diff({}, audit.snapshot(user, ("username", "first_name", "email", "is_active"))), "password": "changed"})
    assignment = RoleAssignment.objects.create(user=user, organization=organization, role=role, granted_by=actor(by))
    audit.record(by, AuditAction.ROLE_GRANT, assignment, changes={"role": [None, role]})
    return user


@transaction.atomic
def update_user(user, *, by, password=None, **fields):
    """Change name, e-mail, active flag or password of an account the admin fully covers."""
    if not can_manage_account(by, user):
        raise PermissionDenied(_("This account holds roles outside your organisations."))
    before = audit.stored(user, ACCOUNT_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.save()
    changes = audit.diff(before, audit.snapshot(user, ACCOUNT_FIELDS))
    if password:  # a reset by an administrator: recorded as changed, the value never stored
        changes["password"] = audit.CHANGED
    if changes:
        home = user.role_assignments.select_related("organization").order_by("organization__depth", "pk").first()
        if changes.get("is_active") == [True, False]:
            action = AuditAction.ACCOUNT_DEACTIVATE
        else:
            action = AuditAction.PASSWORD_RESET if password else AuditAction.ACCOUNT_EDIT
        audit.record(by, action, user, home.organization if home else None, changes=changes)
    return user


ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active")  # what an account edit records




def verify_tree() -> dict:
    """Check the tree's paths, depths and child counts; log and return the problems found.

    A read, but kept beside the writes because a later repair (``fix_tree``) belongs here.
    """
    import logging

    names = ("bad_alphabet", "bad_path", "orphans", "wrong_depth", "wrong_numchild")
    problems = dict(zip(names, (list(p) for p in Organization.objects.find_problems())))
    result = {
        "organizations": Organization.objects.count(),
        "problems": {k: v for k, v in problems.items() if v},
    }
    if result["problems"]:
        logging.getLogger(__name__).error("Organisation tree problems: %s", result["problems"])
    return result
