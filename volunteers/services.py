"""Writes of the volunteer registry, activities and service records.

Every function takes ``by`` (the acting user), checks it with the permission layer, runs in one transaction
and defers side effects (statistics, notifications) to the commit. Document numbers and mobiles are checked
here too (``check_identity``), since importers, forms and serializers all end up here: the edges report
problems field by field, and this is what nobody gets past.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk_actions import Refused
from core.jobs import enqueue
from core.months import month_start
from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, actor, can, require, require_write

from . import pii, signin, statistics
from .choices import ActivityStatus, IdType, RecordSource, RecordStatus, SignKind, VolunteerStatus
from .idnumbers import age_on, check_id_number, check_mobile, mask_id_number, mask_mobile
from .models import (
    HOURS,
    Activity,
    ServiceDay,
    ServiceRecord,
    SignIn,
    Signup,
    StarScale,
    UnmaskEvent,
    Volunteer,
    VolunteerMove,
)
from .signals import statistics_refreshed
from .stars import DEFAULT_SCALE, star_for

MINIMUM_AGE = 14  # 中国注册志愿者管理办法: 14 to 17 with a guardian's consent
ADULT_AGE = 18
EDITABLE = ("name", "gender", "birth_date", "political_status", "registered_on", "platform", "platform_number",
            "skills", "tags", "status", "guardian_consent", "guardian_name", "user", "left_on")


# --- personal data ----------------------------------------------------------------------------


def check_identity(*, id_type, id_number, birth_date=None, gender=None, registered_on=None, guardian_consent=False,
                   today=None) -> dict:
    """The checked document fields of a volunteer, or ValidationError naming the fields that are wrong.

    Returns id_type, id_number (normalised), birth_date and gender (from the number where it encodes them)."""
    today = today or timezone.localdate()
    try:
        identity = check_id_number(id_type, id_number, today)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None
    errors = {}
    if identity.birth_date:
        if birth_date and birth_date != identity.birth_date:
            errors["birth_date"] = _("The date of birth does not match the ID number (%(date)s).") % {
                "date": identity.birth_date.isoformat()}
        birth_date = identity.birth_date
    if identity.gender:
        if gender and gender != identity.gender:
            errors["gender"] = _("The gender does not match the ID number.")
        gender = identity.gender
    if birth_date:
        age = age_on(birth_date, registered_on or today)
        if age < MINIMUM_AGE:
            errors["birth_date"] = _("Volunteers register from the age of 14.")
        elif age < ADULT_AGE and not guardian_consent:
            errors["guardian_consent"] = _("A volunteer aged 14 to 17 needs a guardian's consent.")
    if errors:
        raise ValidationError(errors)
    return {"id_type": id_type, "id_number": identity.number, "birth_date": birth_date, "gender": gender or ""}


def _check_registered_on(registered_on):
    """A registration date still to come is a typing error (imports refuse it too)."""
    if registered_on and registered_on > timezone.localdate():
        raise ValidationError({"registered_on": [_("The registration date lies in the future.")]})


def _set_id_number(volunteer, number):
    volunteer.id_number_encrypted = pii.encrypt(number)
    volunteer.id_number_hash = pii.lookup_hash("id", number)
    volunteer.id_number_masked = mask_id_number(number)


def _set_mobile(volunteer, number):
    volunteer.mobile_encrypted = pii.encrypt(number)
    volunteer.mobile_hash = pii.lookup_hash("mobile", number) if number else ""
    volunteer.mobile_masked = mask_mobile(number) if number else ""


def _checked_mobile(mobile: str) -> str:
    """The normalised mobile ("" for none), or a ValidationError that names the field."""
    try:
        return check_mobile(mobile) if mobile else ""
    except ValidationError as e:
        raise ValidationError({"mobile": e.messages}) from None


def id_number_taken(id_number: str, id_type=IdType.RESIDENT, exclude_pk=None) -> bool:
    """Whether the (normalised) number is registered anywhere in the province."""
    found = Volunteer.objects.filter(id_number_hash=pii.lookup_hash("id", id_number))
    return found.exclude(pk=exclude_pk).exists() if exclude_pk else found.exists()


def _save_unique(volunteer):
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as e:
        if "volunteer_unique_id_number" in str(e) or "id_number_hash" in str(e):
            raise ValidationError({"id_number": [_("A volunteer with this document number is registered already.")]}) from None
        raise


@transaction.atomic
def register_volunteer(*, by, organization, name, id_type, id_number, mobile="", registered_on=None, **fields):
    """Register one volunteer at ``organization``; the document number must be new to the whole province."""
    registered_on = registered_on or timezone.localdate()
    _check_registered_on(registered_on)
    checked = check_identity(id_type=id_type, id_number=id_number, birth_date=fields.pop("birth_date", None),
                             gender=fields.pop("gender", None), registered_on=registered_on,
                             guardian_consent=fields.get("guardian_consent", False))
    mobile = _checked_mobile(mobile)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"register_volunteer: unexpected {sorted(unknown)}")
    volunteer = Volunteer(organization=organization, name=name.strip(), id_type=id_type, registered_on=registered_on,
                          birth_date=checked["birth_date"], gender=checked["gender"], created_by=actor(by), **fields)
    require_write(by, Action.MANAGE_VOLUNTEERS, volunteer)
    if id_number_taken(checked["id_number"]):
        raise ValidationError({"id_number": [_("A volunteer with this document number is registered already.")]})
    _set_id_number(volunteer, checked["id_number"])
    _set_mobile(volunteer, mobile)
    _save_unique(volunteer)
    audit.record(by, AuditAction.VOLUNTEER_REGISTER, volunteer, changes=audit.diff({}, audit.snapshot(volunteer)))
    refresh_volunteer_hours([volunteer.pk])
    statistics_changed([volunteer.organization_id], registered_on)
    return volunteer


@transaction.atomic
def update_volunteer(volunteer, *, by, id_number=None, mobile=None, **fields):
    """Change a volunteer's record. The organisation changes only through ``move_volunteer``; a new document
    number or mobile is checked and encrypted like a new one (None leaves them as they are)."""
    if volunteer.is_anonymised:
        raise ValidationError(_("This volunteer has been anonymised; the record can no longer be changed."))
    unknown = set(fields) - set(EDITABLE) - {"id_type"}
    if unknown:
        raise TypeError(f"update_volunteer: unexpected {sorted(unknown)}")
    require_write(by, Action.MANAGE_VOLUNTEERS, volunteer)
    if "registered_on" in fields:
        _check_registered_on(fields["registered_on"])
    stored = Volunteer.objects.get(pk=volunteer.pk)  # forms may have set the new values already
    counted, before = _counted(stored), audit.snapshot(stored)
    for name, value in fields.items():
        setattr(volunteer, name, value)
    if id_number is not None or {"id_type", "birth_date", "gender", "guardian_consent"} & set(fields):
        number = id_number if id_number is not None else pii.decrypt(volunteer.id_number_encrypted)
        checked = check_identity(id_type=volunteer.id_type, id_number=number, birth_date=volunteer.birth_date,
                                 gender=volunteer.gender or None, registered_on=volunteer.registered_on,
                                 guardian_consent=volunteer.guardian_consent)
        volunteer.birth_date, volunteer.gender = checked["birth_date"], checked["gender"]
        if id_number is not None:
            if id_number_taken(checked["id_number"], exclude_pk=volunteer.pk):
                raise ValidationError({"id_number": [_("A volunteer with this document number is registered already.")]})
            _set_id_number(volunteer, checked["id_number"])
    if mobile is not None:
        _set_mobile(volunteer, _checked_mobile(mobile))
    if volunteer.status == VolunteerStatus.LEFT and not volunteer.left_on:
        volunteer.left_on = timezone.localdate()
    _save_unique(volunteer)
    audit.record(by, AuditAction.VOLUNTEER_EDIT, volunteer, changes=audit.diff(before, audit.snapshot(volunteer)))
    if _counted(volunteer) != counted:
        statistics_changed([volunteer.organization_id], min(counted[0], volunteer.registered_on,
                                                            *(d for d in (counted[2], volunteer.left_on) if d)))
    return volunteer


@transaction.atomic
def move_volunteer(volunteer, *, by, to, reason=""):
    """Move a volunteer to another organisation; both must lie in the mover's part of the tree. Hours already
    served stay with the organisation of their day (``ServiceRecord.organization``)."""
    require(by, Action.MANAGE_VOLUNTEERS, volunteer)
    require(by, Action.MANAGE_VOLUNTEERS, to)
    if to.pk == volunteer.organization_id:
        return volunteer
    old = volunteer.organization
    volunteer.organization = to
    volunteer.save(update_fields=["organization", "updated_at"])
    VolunteerMove.objects.create(volunteer=volunteer, old_organization=old, new_organization=to,
                                 reason=reason[:300], moved_by=actor(by))
    # in the organisation the volunteer left, whose administrators let them go (the new one sees the volunteer)
    audit.record(by, AuditAction.VOLUNTEER_MOVE, volunteer, old, note=reason,
                 changes={"organization": [old.name, to.name]})
    refresh_volunteer_hours([volunteer.pk])  # the star scale may differ in the new organisation
    statistics_changed([old.pk, to.pk], timezone.localdate())  # the months before stay where the volunteer was
    return volunteer


@transaction.atomic
def reveal_personal_data(volunteer, *, by, reason, via="page") -> dict:
    """The document number and mobile in clear, for an administrator of the volunteer's organisation or above,
    with a reason; each call leaves an audit row."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you need to see this volunteer's personal data.")]})
    require(by, Action.UNMASK_PII, volunteer)
    if by.pk is None:
        raise PermissionDenied
    UnmaskEvent.objects.create(volunteer=volunteer, user=by, reason=reason[:300], via=via)
    audit.record(by, AuditAction.PII_UNMASK, volunteer, note=reason, changes={"via": [None, via]})
    return {"id_number": pii.decrypt(volunteer.id_number_encrypted), "mobile": pii.decrypt(volunteer.mobile_encrypted)}


@transaction.atomic
def anonymise_volunteer(volunteer, *, by, reason=""):
    """Remove what identifies a volunteer who has left; their records, hours and star stay, so anonymising changes
    no statistic. A volunteer still active is marked as left today first (which counts as leaving does). The
    document number becomes free to register again."""
    require(by, Action.MANAGE_VOLUNTEERS, volunteer)
    if volunteer.is_anonymised:
        return volunteer
    volunteer.name = _("Anonymised volunteer %(number)s") % {"number": volunteer.pk}
    volunteer.id_number_encrypted = volunteer.mobile_encrypted = ""
    volunteer.id_number_hash = None
    volunteer.id_number_masked = volunteer.mobile_masked = volunteer.mobile_hash = ""
    volunteer.birth_date = None
    volunteer.platform_number = volunteer.skills = volunteer.tags = volunteer.guardian_name = ""
    volunteer.user = None
    volunteer.status = VolunteerStatus.LEFT
    volunteer.left_on = volunteer.left_on or timezone.localdate()
    volunteer.anonymised_at = timezone.now()
    stored = Volunteer.objects.get(pk=volunteer.pk)
    counted = _counted(stored)
    volunteer.save()
    # which fields were cleared, never what they held: the row must not keep what anonymising removed
    audit.record(by, AuditAction.VOLUNTEER_ANONYMISE, volunteer, note=reason, changes={
        name: audit.CHANGED for name in audit.diff(audit.snapshot(stored), audit.snapshot(volunteer))})
    # and out of the log: the rows about the volunteer, their sign-ups, records and certificates keep no name
    audit.forget([Volunteer.objects.filter(pk=volunteer.pk), volunteer.signups.all(), volunteer.records.all(),
                  volunteer.certificates.all()], stored.name, volunteer.name)
    if _counted(volunteer) != counted:
        statistics_changed([volunteer.organization_id], volunteer.left_on)
    return volunteer


# --- activities -------------------------------------------------------------------------------


ACTIVITY_FIELDS = ("title", "category", "description", "place", "starts_at", "ends_at", "planned_hours", "places",
                   "status")


ACTIVITY_YEARS = (2000, 2100)  # service time in any other year is a typing error (or a probe)


def check_activity_year(moment):
    """A ValidationError unless ``moment`` lies in ACTIVITY_YEARS (forms call it before their model validation sends
    the moment to the database, which cannot hold year 1 in UTC)."""
    if moment is not None and not ACTIVITY_YEARS[0] <= moment.year <= ACTIVITY_YEARS[1]:
        raise ValidationError(_("Enter a time between the years %(first)s and %(last)s.") % {
            "first": ACTIVITY_YEARS[0], "last": ACTIVITY_YEARS[1]})


def _check_activity(activity):
    errors = {}
    for name in ("starts_at", "ends_at"):
        try:
            check_activity_year(getattr(activity, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    if activity.ends_at <= activity.starts_at:
        raise ValidationError({"ends_at": [_("An activity ends after it starts.")]})
    if activity.places is not None and activity.pk and activity.signups.count() > activity.places:
        raise ValidationError({"places": [_("More volunteers have signed up than this.")]})


@transaction.atomic
def create_activity(*, by, organization, title, starts_at, ends_at, **fields):
    activity = Activity(organization=organization, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
                        created_by=actor(by), **fields)
    require_write(by, Action.MANAGE_VOLUNTEERS, activity)
    _check_activity(activity)
    activity.save()
    audit.record(by, AuditAction.ACTIVITY_CREATE, activity, changes=audit.diff({}, audit.snapshot(
        activity, ("title", "starts_at", "ends_at", *fields))))
    return activity


@transaction.atomic
def update_activity(activity, *, by, **fields):
    """Change an activity; its organiser does not change. Records must stay within its dates."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"update_activity: unexpected {sorted(unknown)}")
    require_write(by, Action.MANAGE_VOLUNTEERS, activity)
    before = audit.stored(activity, fields)
    for name, value in fields.items():
        setattr(activity, name, value)
    _check_activity(activity)
    first, last = activity_dates(activity)
    if activity.records.exclude(status=RecordStatus.REJECTED).filter(Q(date__lt=first) | Q(date__gt=last)).exists():
        raise ValidationError(_("Some service records lie outside these dates; reject them first."))
    activity.save()
    changes = audit.diff(before, audit.snapshot(activity, fields))
    if changes:
        audit.record(by, AuditAction.ACTIVITY_EDIT, activity, changes=changes)
    return activity


def activity_dates(activity) -> tuple[datetime.date, datetime.date]:
    """The first and last local day of an activity."""
    return timezone.localdate(activity.starts_at), timezone.localdate(activity.ends_at)


@transaction.atomic
def sign_up(activity, volunteer, *, by):
    """Put ``volunteer`` on the sign-up list: the volunteer themself (through their account) or someone who
    manages volunteers at the organiser or at the volunteer's organisation."""
    if volunteer.user_id and by.pk == volunteer.user_id:
        # by themself: only what is open to them (an organiser puts anyone they manage on any list)
        if not Activity.objects.open_to(volunteer).filter(pk=activity.pk).exists():
            raise PermissionDenied(_("This activity is not open to you."))
    else:
        require(by, Action.MANAGE_VOLUNTEERS, volunteer)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(_("This activity does not take sign-ups."))
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError(_("This volunteer has left."))
    if activity.signups.filter(volunteer=volunteer).exists():
        raise ValidationError(_("This volunteer has signed up already."))
    if activity.places is not None and activity.signups.count() >= activity.places:
        raise ValidationError(_("This activity is full."))
    signup = Signup.objects.create(activity=activity, volunteer=volunteer, created_by=actor(by))
    audit.record(by, AuditAction.SIGNUP_ADD, signup, activity.organization, object_repr=str(activity),
                 changes={"volunteer": [None, volunteer.pk]})
    return signup


@transaction.atomic
def cancel_signup(signup, *, by):
    """Take a volunteer off the list: the volunteer themself before signing in, or the organiser's side (as long as
    the volunteer has no service record there that counts)."""
    if signup.volunteer.user_id and by.pk == signup.volunteer.user_id:
        if signup.activity.starts_at <= timezone.now():
            raise ValidationError(_("The activity has started: ask the organiser to take you off the list."))
        if SignIn.objects.filter(activity_id=signup.activity_id, volunteer_id=signup.volunteer_id).exists():
            raise ValidationError(_("You have signed in at this activity: the sign-up can no longer be cancelled."))
    else:
        require(by, Action.MANAGE_VOLUNTEERS, signup)
    if ServiceRecord.objects.filter(activity_id=signup.activity_id, volunteer_id=signup.volunteer_id).exclude(
            status=RecordStatus.REJECTED).exists():
        raise ValidationError(_("This volunteer has service records at this activity: reject them first."))
    audit.record(by, AuditAction.SIGNUP_CANCEL, signup, signup.activity.organization, object_repr=str(signup.activity),
                 changes={"volunteer": [signup.volunteer_id, None]})
    signup.delete()


@transaction.atomic
def delete_activity(activity, *, by):
    """Delete an activity that has no service records (its sign-ups and scans go with it); one with records is
    cancelled instead (status), so that its hours keep their proof."""
    require_write(by, Action.MANAGE_VOLUNTEERS, activity)
    if activity.records.exists():
        raise ValidationError(_("This activity has service records: it cannot be deleted, but it can be cancelled."))
    audit.record(by, AuditAction.ACTIVITY_DELETE, activity, changes=audit.diff(
        audit.snapshot(activity, ("title", "starts_at", "ends_at", "status")), {}))
    activity.delete()


SIGN_IN_OPENS = datetime.timedelta(hours=1)  # before the start
SHORTEST_SERVICE = datetime.timedelta(minutes=15)  # a sign-out sooner is refused: a second scan by mistake


@dataclass
class Scan:
    """What one scan did: signed in or out, when, the sign-up it made and the service record it proposed."""

    kind: str
    at: datetime.datetime
    activity: Activity
    volunteer: Volunteer
    signed_up: bool = False
    record: ServiceRecord | None = None
    hours: Decimal | None = None


@transaction.atomic
def scan_code(activity, *, by, code, at=None) -> Scan:
    """A volunteer scanned the activity's sign-in QR code with their account (``by``): the first scan signs in (and
    puts them on the list if they are not and places allow), the next one signs out and proposes a service record
    of the hours between, waiting for the organiser's confirmation. One code serves one scan; a code counts for its
    window and the next (volunteers.signin). Refusals are ValidationErrors, and nothing is written."""
    at = at or timezone.now()
    volunteer = Volunteer.objects.select_for_update().filter(user_id=by.pk).first() if by.pk else None
    if volunteer is None:
        raise ValidationError(_("Your account is not linked to a registered volunteer; ask your league organisation "
                                "to link it."))
    window = signin.check_code(activity, code, at)  # before anything is said about the activity
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError(_("This volunteer has left."))
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("This activity was cancelled."))
    scans = {s.kind: s for s in SignIn.objects.filter(activity=activity, volunteer=volunteer)}
    if any(s.window == window for s in scans.values()):
        raise ValidationError({"code": [_("You have scanned this code already: wait for the QR code to change, "
                                          "then scan again to sign out.")]})
    if SignKind.SIGN_OUT in scans:
        raise ValidationError(_("You have signed in and out of this activity already."))
    if SignKind.SIGN_IN not in scans:  # a sign-out after the end is fine: the hours stop at the end
        if at > activity.ends_at:
            raise ValidationError(_("This activity is over; ask the organiser to record your hours."))
        if at < activity.starts_at - SIGN_IN_OPENS:
            raise ValidationError(_("Sign-in opens an hour before the activity starts."))
        signed_up = False
        if not activity.signups.filter(volunteer=volunteer).exists():
            if activity.status != ActivityStatus.OPEN:
                raise ValidationError(_("This activity does not take sign-ups."))
            if not Activity.objects.open_to(volunteer, now=at).filter(pk=activity.pk).exists():
                raise ValidationError(_("This activity is not open to you."))  # as for signing up by oneself
            if activity.places is not None and activity.signups.count() >= activity.places:
                raise ValidationError(_("This activity is full."))
            Signup.objects.create(activity=activity, volunteer=volunteer, created_by=actor(by))
            signed_up = True
        SignIn.objects.create(activity=activity, volunteer=volunteer, kind=SignKind.SIGN_IN, at=at, window=window)
        audit.record(by, AuditAction.SIGN_IN_SCAN, activity, object_repr=str(activity),
                     changes={"kind": [None, SignKind.SIGN_IN], "signed_up": [None, signed_up]})
        return Scan(SignKind.SIGN_IN, at, activity, volunteer, signed_up=signed_up)
    signed_in_at = scans[SignKind.SIGN_IN].at
    if at - signed_in_at < SHORTEST_SERVICE:
        raise ValidationError(_("You signed in less than a quarter of an hour ago: sign out when you leave."))
    SignIn.objects.create(activity=activity, volunteer=volunteer, kind=SignKind.SIGN_OUT, at=at, window=window)
    date = timezone.localdate(max(signed_in_at, activity.starts_at))
    served = ServiceDay.objects.filter(volunteer=volunteer, date=date).values_list("hours", flat=True).first() or 0
    hours = min(signin.proposed_hours(activity, signed_in_at, at), signin.floor_to_half_hour(24 - Decimal(served)))
    record = None
    if hours > 0 and not ServiceRecord.objects.filter(volunteer=volunteer, activity=activity, date=date).exists():
        record = _write_record(by=by, activity=activity, volunteer=volunteer, date=date, hours=hours,
                               source=RecordSource.SIGN_IN, signed_in_at=signed_in_at, signed_out_at=at)
    audit.record(by, AuditAction.SIGN_IN_SCAN, activity, object_repr=str(activity),
                 changes={"kind": [None, SignKind.SIGN_OUT], "hours": [None, hours if record else None]})
    return Scan(SignKind.SIGN_OUT, at, activity, volunteer, record=record, hours=hours)


# --- service records --------------------------------------------------------------------------


def _add_day_hours(volunteer_id, date, hours):
    """Add (or with negative hours take away) hours of a volunteer's day; the database refuses a day over 24."""
    day, _created = ServiceDay.objects.get_or_create(volunteer_id=volunteer_id, date=date)
    try:
        with transaction.atomic():
            ServiceDay.objects.filter(pk=day.pk).update(hours=F("hours") + hours)
    except IntegrityError:
        raise ValidationError({"hours": [_("With these hours the volunteer would serve more than 24 hours on %(date)s.")
                                         % {"date": date.isoformat()}]}) from None


def check_record(activity, volunteer, date, hours):
    """The problems of one record before it is written (the edges show them by field)."""
    errors = {}
    first, last = activity_dates(activity)
    if not first <= date <= last:
        errors["date"] = _("The date lies outside the activity (%(first)s to %(last)s).") % {
            "first": first.isoformat(), "last": last.isoformat()}
    if date > timezone.localdate():
        errors["date"] = _("Service cannot be recorded for a day still to come.")
    hours = Decimal(hours)
    if not (Decimal(0) < hours <= 24):
        errors["hours"] = _("Hours of one record lie between 0 and 24.")
    elif hours.as_tuple().exponent < -2:
        errors["hours"] = _("Hours have at most two decimals.")
    if volunteer.status == VolunteerStatus.LEFT:
        errors["volunteer"] = _("This volunteer has left.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_service(*, by, activity, volunteer, date, hours, note="", source=RecordSource.MANUAL, signed_in_at=None,
                   signed_out_at=None):
    """Record hours a volunteer served at an activity on a day, waiting for the organiser's confirmation.

    The organiser records ("谁组织谁记录"): ``by`` must manage volunteers at the activity's organisation, and
    the volunteer must be on its sign-up list or registered in ``by``'s part of the tree."""
    require(by, Action.MANAGE_VOLUNTEERS, activity)
    on_list = Signup.objects.filter(activity=activity, volunteer=volunteer).exists()
    if not on_list and not Volunteer.objects.restrict(by).filter(pk=volunteer.pk).exists():
        raise PermissionDenied(_("You do not have permission to perform this action."))
    record = _write_record(by=by, activity=activity, volunteer=volunteer, date=date, hours=hours, note=note,
                           source=source, signed_in_at=signed_in_at, signed_out_at=signed_out_at)
    audit.record(by, AuditAction.SERVICE_RECORD, record, object_repr=str(activity), changes=audit.diff(
        {}, audit.snapshot(record, ("volunteer", "date", "hours", "note", "source"))))
    return record


def _write_record(*, by, activity, volunteer, date, hours, note="", source=RecordSource.MANUAL, signed_in_at=None,
                  signed_out_at=None):
    """A pending record after its writer was checked (the organiser's side, or a volunteer's own sign-out)."""
    check_record(activity, volunteer, date, hours)
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()  # one writer per volunteer at a time
    if ServiceRecord.objects.filter(volunteer=volunteer, activity=activity, date=date).exists():
        raise ValidationError({"date": [_("This volunteer has a record for this activity on this day already.")]})
    _add_day_hours(volunteer.pk, date, Decimal(hours))
    return ServiceRecord.objects.create(
        volunteer=volunteer, activity=activity, organization_id=volunteer.organization_id, date=date,
        hours=Decimal(hours), note=note[:300], source=source, signed_in_at=signed_in_at,
        signed_out_at=signed_out_at, created_by=actor(by))


def _decidable(by, records):
    """The records (locked), each one the caller may decide on; else ``Refused`` (403) naming those they may not."""
    records = list(records.select_related("activity__organization").select_for_update(of=("self",)))
    refused = [r for r in records if not can(by, Action.MANAGE_VOLUNTEERS, r)]
    if refused:
        raise Refused(_("You may not decide on some of these records; nothing was decided."),
                      {r.pk: _("Not a record of your activities.") for r in refused})
    return records


@transaction.atomic
def confirm_records(records, *, by) -> int:
    """Confirm service records (a queryset) in bulk: their hours start to count. Returns how many changed."""
    records = [r for r in _decidable(by, records) if r.status != RecordStatus.CONFIRMED]
    if not records:
        return 0
    for record in records:
        first, last = activity_dates(record.activity)  # a rejected record may lie outside dates changed since
        if not first <= record.date <= last:
            raise ValidationError(_("The date lies outside the activity (%(first)s to %(last)s).") % {
                "first": first.isoformat(), "last": last.isoformat()})
        if record.status == RecordStatus.REJECTED:  # a rejected record confirmed after all counts for its day again
            _add_day_hours(record.volunteer_id, record.date, record.hours)
    now = timezone.now()
    ServiceRecord.objects.filter(pk__in=[r.pk for r in records]).update(
        status=RecordStatus.CONFIRMED, confirmed_by=actor(by), confirmed_at=now, reject_reason="")
    _audit_decision(by, AuditAction.SERVICE_CONFIRM, records, RecordStatus.CONFIRMED)
    _hours_changed(records)
    return len(records)


@transaction.atomic
def reject_records(records, *, by, reason) -> int:
    """Reject service records (a queryset) with a reason: their hours no longer count, nor fill their day."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why these records are rejected.")]})
    records = [r for r in _decidable(by, records) if r.status != RecordStatus.REJECTED]
    if not records:
        return 0
    for record in records:
        _add_day_hours(record.volunteer_id, record.date, -record.hours)
    ServiceRecord.objects.filter(pk__in=[r.pk for r in records]).update(
        status=RecordStatus.REJECTED, reject_reason=reason[:300], confirmed_by=actor(by), confirmed_at=timezone.now())
    _audit_decision(by, AuditAction.SERVICE_REJECT, records, RecordStatus.REJECTED, note=reason)
    _hours_changed([r for r in records if r.status == RecordStatus.CONFIRMED])
    return len(records)


def _audit_decision(by, action, records, status, note=""):
    """One summary row for a bulk decision: which records, from which status, their hours; in the first record's
    organising organisation (a decision spans one organiser's activities in practice)."""
    first = records[0]
    audit.record(by, action, first, first.activity.organization, note=note,
                 object_repr=_("%(n)d service records") % {"n": len(records)},
                 changes={"records": [None, [r.pk for r in records]],
                          "status": [sorted({r.status for r in records}), status],
                          "hours": [None, sum((r.hours for r in records), Decimal(0))]})


def _hours_changed(records):
    """After confirmed hours changed: the volunteers' totals and stars now, the statistics after the commit."""
    if not records:
        return
    refresh_volunteer_hours({r.volunteer_id for r in records})
    statistics_changed({r.organization_id for r in records}, min(r.date for r in records))


def _counted(volunteer) -> tuple:
    """What of a volunteer the statistics count: when registered, whether a league member, when left."""
    left = volunteer.status == VolunteerStatus.LEFT
    return (volunteer.registered_on, volunteer.political_status, volunteer.left_on if left else None, left)


def statistics_changed(organization_ids, since):
    """The own figures of these organisations changed from ``since`` on: recompute theirs and those above them
    from that month to this one, by Celery once the transaction has committed."""
    ids = sorted({pk for pk in organization_ids if pk})
    if ids:
        enqueue("volunteers.tasks.refresh_statistics", ids, month_start(since).isoformat())


STAR_FIELDS = ("one_star", "two_stars", "three_stars", "four_stars", "five_stars")
SCALE_LEVELS = ("province", "city")  # orgs.choices.Level: the committees that set a scale for their subtree


@transaction.atomic
def set_star_scale(organization, *, by, thresholds) -> StarScale:
    """Set the cumulative hours of each star in ``organization``'s subtree (a province or city, by its
    administrators), and recompute the stars of the volunteers there at once."""
    require(by, Action.CHANGE_ORG, organization)
    if organization.level not in SCALE_LEVELS:
        raise ValidationError(_("Only a province or city committee sets a star scale."))
    values = [Decimal(t) for t in thresholds]
    if len(values) != len(STAR_FIELDS):
        raise TypeError("set_star_scale: five thresholds")
    errors = {}
    for index, (name, value) in enumerate(zip(STAR_FIELDS, values, strict=True)):
        if value <= 0:
            errors[name] = _("Enter a number of hours above 0.")
        elif index and value <= values[index - 1]:
            errors[name] = _("Each star needs more hours than the one before.")
    if errors:
        raise ValidationError(errors)
    scale, _created = StarScale.objects.select_for_update().get_or_create(
        organization=organization, defaults=dict(zip(STAR_FIELDS, values, strict=True)))
    before = {} if _created else audit.snapshot(scale, STAR_FIELDS)
    if not _created:
        for name, value in zip(STAR_FIELDS, values, strict=True):
            setattr(scale, name, value)
        scale.save()
    changes = audit.diff(before, audit.snapshot(scale, STAR_FIELDS))
    if changes:
        audit.record(by, AuditAction.STAR_SCALE_SET, scale, organization, changes=changes)
    refresh_volunteer_hours(Volunteer.objects.filter(organization__path__startswith=organization.path)
                            .values_list("pk", flat=True))
    enqueue("volunteers.tasks.rebuild_statistics", organization.pk, [month_start(timezone.localdate()).isoformat()])
    return scale


def refresh_volunteer_hours(volunteer_ids=None) -> int:
    """Recompute confirmed hours and star levels, set-based: of the given volunteers, or of everyone (the
    nightly run). Each volunteer gets the star scale of the nearest organisation at or above theirs."""
    volunteers = Volunteer.objects.all() if volunteer_ids is None else Volunteer.objects.filter(pk__in=list(volunteer_ids))
    total = (ServiceRecord.objects.confirmed().filter(volunteer=OuterRef("pk")).order_by()
             .values("volunteer").annotate(t=Sum("hours")).values("t"))
    changed = volunteers.update(confirmed_hours=Coalesce(Subquery(total), Value(Decimal(0)),
                                                         output_field=DecimalField(**HOURS)))
    _apply_scale(volunteers, DEFAULT_SCALE)
    # deeper scales later, so that the nearest one wins
    for scale in StarScale.objects.select_related("organization").order_by("organization__depth"):
        _apply_scale(volunteers.filter(organization__path__startswith=scale.organization.path), scale.thresholds)
    return changed


def _apply_scale(volunteers, thresholds):
    volunteers.update(star=Case(*[When(confirmed_hours__gte=t, then=n) for n, t in reversed(list(enumerate(thresholds, 1)))],
                                default=0, output_field=IntegerField()))


__all__ = [
    "anonymise_volunteer", "cancel_signup", "check_activity_year", "check_identity", "check_record", "confirm_records", "create_activity",
    "delete_activity", "id_number_taken", "move_volunteer", "rebuild_statistics", "record_service",
    "refresh_statistics", "refresh_volunteer_hours", "register_volunteer", "reject_records", "reveal_personal_data",
    "scan_code", "set_star_scale", "sign_up", "star_for", "statistics_changed", "update_activity", "update_volunteer",
]


# --- statistics -------------------------------------------------------------------------------


def rebuild_statistics(organization=None, months=None) -> int:
    """Recompute the statistics of a subtree (of every tree when None) for ``months`` (by default all), and let the
    apps that read them (targets bound to a volunteer figure) follow."""
    rows = statistics.rebuild(organization, months)
    transaction.on_commit(lambda: statistics_refreshed.send(sender=None, months=months))
    return rows


def refresh_statistics(organization_ids, since) -> int:
    """The statistics of organisations whose own figures changed from ``since`` on, and of those above them."""
    rows = statistics.refresh_organizations(organization_ids, since)
    months = statistics.months_between(since, timezone.localdate())
    transaction.on_commit(lambda: statistics_refreshed.send(sender=None, months=months))
    return rows
