"""Imports of volunteers and service records from the national platforms' exports (志愿汇, i志愿, 中国志愿服务网).

Two steps, both in Celery (``volunteers.tasks.run_volunteer_import``), so that a request only stores the file:

1. ``start_import`` keeps the upload as a ``VolunteerImport``; the task checks every row (``run_import``) and
   stores the problems by row and column (invalid or duplicate document numbers, impossible dates, unknown
   organisations or activities outside the uploader's part of the tree, more than 24 hours a day, hours outside
   the activity's dates, wrong types, missing columns) and the counts; nothing is written.
2. ``apply_import`` (only for a checked file without problems) has the task read and check the file again against
   the database as it is then, and write it whole in one transaction: rows bulk-created in batches, the service
   days summed, the volunteers' hours and stars refreshed set-based. A problem found then rolls everything back.

Sheets stream (core.spreadsheets.stream_table: python-calamine after the upload guard has measured the sheet), rows
are checked in batches with one query per kind of fact, so time and memory grow with the batch, not the file.
The column headers are the platforms' and stay Chinese whatever the interface language.
"""
import datetime
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.bulk import insert_objects
from core.jobs import enqueue
from core.spreadsheets import SpreadsheetError, stream_table
from core.uploads import Deadline, read_upload, sheet_limits
from orgs import audit
from orgs.choices import AuditAction, ImportStatus
from orgs.models import Organization
from orgs.permissions import Action, actor, can, require

from . import pii
from .choices import Gender, IdType, Platform, PoliticalStatus, RecordSource, RecordStatus, VolunteerStatus
from .idnumbers import check_mobile, mask_id_number, mask_mobile, normalise
from .models import Activity, ServiceDay, ServiceRecord, Volunteer, VolunteerImport
from .services import activity_dates, check_identity, refresh_volunteer_hours, statistics_changed

USE = "volunteer_import"  # the sheet limits (settings.UPLOAD_LIMITS)
BATCH = 2000
MAX_STORED_PROBLEMS = 5000
LONGEST_SHOWN = 60  # characters of a cell quoted in a message
Kind = VolunteerImport.Kind

# The platforms' columns: (field, header). Headers are part of the format, not of the interface language.
VOLUNTEER_COLUMNS = {"name": "姓名", "gender": "性别", "id_type": "证件类型", "id_number": "证件号码",
                     "mobile": "手机号", "organization": "所属组织", "political_status": "政治面貌",
                     "registered_on": "注册时间", "platform_number": "志愿者编号"}
VOLUNTEER_REQUIRED = ("姓名", "证件号码")
RECORD_COLUMNS = {"id_number": "证件号码", "activity": "活动名称", "date": "服务日期", "hours": "服务时长"}
RECORD_REQUIRED = ("证件号码", "服务日期", "服务时长")
# Names the platforms use for a document type or a political status besides the portal's own labels.
ID_TYPE_ALIASES = {"身份证": IdType.RESIDENT, "居民身份证": IdType.RESIDENT, "港澳台居民居住证": IdType.HMT_RESIDENCE,
                   "外国人永久居留身份证": IdType.FOREIGN_PERMANENT, "外国人永久居留证": IdType.FOREIGN_PERMANENT,
                   "护照": IdType.PASSPORT}
POLITICAL_ALIASES = {"共青团员": PoliticalStatus.LEAGUE_MEMBER, "团员": PoliticalStatus.LEAGUE_MEMBER,
                     "中共党员": PoliticalStatus.PARTY_MEMBER, "党员": PoliticalStatus.PARTY_MEMBER,
                     "中共预备党员": PoliticalStatus.PROBATIONARY, "预备党员": PoliticalStatus.PROBATIONARY,
                     "群众": PoliticalStatus.YOUTH, "其他": PoliticalStatus.OTHER}
GENDER_ALIASES = {"男": Gender.MALE, "女": Gender.FEMALE}
DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?")
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def headers_of(kind) -> list[str]:
    return list((VOLUNTEER_COLUMNS if kind == Kind.VOLUNTEERS else RECORD_COLUMNS).values())


# --- cells ----------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers typed into a text column come back as floats
    return str(value).strip()


def _shown(value) -> str:
    text = _text(value)
    return text if len(text) <= LONGEST_SHOWN else text[:LONGEST_SHOWN] + "…"


def _lookup(choices, aliases) -> dict:
    """Accept the Chinese and English labels, the stored value and the platforms' names, case-insensitively."""
    found = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.update({str(label).lower(): value for value, label in choices.choices})
    found.update({value: value for value in choices.values})
    found.update(aliases)
    return found


def parse_day(value):
    """(date, None) from a date cell, text (2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301) or an Excel day
    number; (None, message) when it is not a date or not one that exists."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value)), None
        return None, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": _shown(value)}
    text = _text(value)
    match = DATE_TEXT.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if not match:
        return None, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": _shown(value)}
    try:
        return datetime.date(*(int(part) for part in match.groups())), None
    except ValueError:
        return None, _("“%(value)s” is a date that does not exist.") % {"value": _shown(value)}


def parse_hours(value):
    """(hours, None) for a number of hours above 0, at most 24, with at most two decimals; else (None, message)."""
    if isinstance(value, bool):
        value = None
    text = _text(value).removesuffix("小时").strip()
    try:
        hours = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, _("“%(value)s” is not a number of hours.") % {"value": _shown(value)}
    if not hours.is_finite():
        return None, _("“%(value)s” is not a number of hours.") % {"value": _shown(value)}
    if not Decimal(0) < hours <= 24:
        return None, _("Hours of one record lie between 0 and 24.")
    if hours.as_tuple().exponent < -2:
        hours = hours.quantize(Decimal("0.01"))
        if hours <= 0:
            return None, _("Hours of one record lie between 0 and 24.")
    return hours, None


# --- findings -------------------------------------------------------------------------------------------------


@dataclass
class Findings:
    """The problems of a file by spreadsheet row and column header (the first MAX_STORED_PROBLEMS kept) and the
    counts of what would be written."""

    problems: list = field(default_factory=list)
    count: int = 0
    rows: int = 0
    valid: int = 0
    hours: Decimal = Decimal(0)

    def add(self, row: int, column: str, message: str):
        self.count += 1
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append({"row": row, "column": column, "message": str(message)})

    def summary(self, kind) -> dict:
        result = {"rows": self.rows, "valid": self.valid}
        if kind == Kind.RECORDS:
            result["hours"] = str(self.hours)
        return result


def _batches(rows, size=BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- volunteers -----------------------------------------------------------------------------------------------


class VolunteerRows:
    """Checks (and writes) rows of volunteers: one query per batch for the document numbers registered already,
    one per new organisation name or code."""

    columns = VOLUNTEER_COLUMNS
    writing = False  # check_file() says whether the rows are written

    def __init__(self, job, by, today):
        self.job, self.by, self.today = job, by, today
        self.root = job.organization
        self.platform = (job.summary or {}).get("platform", "")
        self.seen = {}  # lookup hash -> first row
        self.organizations = {}  # cell text -> Organization, or None
        self.id_types = _lookup(IdType, ID_TYPE_ALIASES)
        self.political = _lookup(PoliticalStatus, POLITICAL_ALIASES)
        self.genders = _lookup(Gender, GENDER_ALIASES)

    def organization(self, text):
        """The organisation a cell names (code or name) in the import's subtree where ``by`` manages volunteers."""
        if not text:
            return self.root
        if text not in self.organizations:
            subtree = Organization.objects.filter(path__startswith=self.root.path)
            found = list(subtree.filter(code=text)[:1]) or list(subtree.filter(name=text)[:2])
            if len(found) == 1 and can(self.by, Action.MANAGE_VOLUNTEERS, found[0]):
                self.organizations[text] = found[0]
            else:
                self.organizations[text] = "ambiguous" if len(found) > 1 else None
        return self.organizations[text]

    def check(self, batch, findings):
        """The valid rows of ``batch`` as unsaved volunteers; the problems go to ``findings``."""
        parsed = []
        for number, cells in batch:
            row = self._row(number, cells, findings)
            if row is not None:
                parsed.append(row)
        taken = set(Volunteer.objects.filter(id_number_hash__in=[r["hash"] for r in parsed])
                    .values_list("id_number_hash", flat=True))
        volunteers = []
        for row in parsed:
            if row["hash"] in taken:
                findings.add(row["row"], self.columns["id_number"],
                             _("A volunteer with this document number is registered already."))
                continue
            if row["ok"]:
                volunteers.append(row["volunteer"])
        return volunteers

    def _row(self, number, cells, findings):
        def problem(name, message):
            nonlocal ok
            ok = False
            findings.add(number, self.columns[name], message)

        ok = True
        text = {name: _text(cells.get(header)) for name, header in self.columns.items()}
        name = text["name"]
        if not name:
            problem("name", _("The name is missing."))
        elif len(name) > 50:
            problem("name", _("The name is longer than %(limit)d characters.") % {"limit": 50})
        id_type = IdType.RESIDENT
        if text["id_type"]:
            id_type = self.id_types.get(text["id_type"].lower())
            if id_type is None:
                problem("id_type", _("“%(value)s” is not a document type.") % {"value": _shown(text["id_type"])})
        gender = None
        if text["gender"]:
            gender = self.genders.get(text["gender"].lower())
            if gender is None:
                problem("gender", _("“%(value)s” is not a gender (男 or 女).") % {"value": _shown(text["gender"])})
        registered_on = self.today
        if text["registered_on"]:
            registered_on, message = parse_day(cells.get(self.columns["registered_on"]))
            if message:
                problem("registered_on", message)
            elif registered_on > self.today:
                problem("registered_on", _("The registration date lies in the future."))
        political = PoliticalStatus.LEAGUE_MEMBER
        if text["political_status"]:
            political = self.political.get(text["political_status"].lower())
            if political is None:
                problem("political_status", _("“%(value)s” is not a political status.")
                        % {"value": _shown(text["political_status"])})
        mobile = ""
        if text["mobile"]:
            try:
                mobile = check_mobile(text["mobile"])
            except ValidationError as exc:
                problem("mobile", exc.messages[0])
        if len(text["platform_number"]) > 40:
            problem("platform_number", _("The number is longer than %(limit)d characters.") % {"limit": 40})
        organization = self.organization(text["organization"])
        if organization is None:
            problem("organization", _("“%(value)s” is no organisation below %(root)s whose volunteers you keep.")
                    % {"value": _shown(text["organization"]), "root": self.root.name})
        elif organization == "ambiguous":
            problem("organization", _("Several organisations below %(root)s are called “%(value)s”: give its code.")
                    % {"value": _shown(text["organization"]), "root": self.root.name})
        if id_type is None:
            return None
        try:
            identity = check_identity(id_type=id_type, id_number=text["id_number"], gender=gender,
                                      registered_on=registered_on if isinstance(registered_on, datetime.date) else None,
                                      today=self.today)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                problem("gender" if key == "gender" else "id_number", " ".join(messages))
            return None
        digest = pii.lookup_hash("id", identity["id_number"])
        first = self.seen.setdefault(digest, number)
        if first != number:
            problem("id_number", _("The same document number is in row %(row)d already.") % {"row": first})
            return None
        if not ok:
            return {"row": number, "hash": digest, "ok": False}
        if not self.writing:  # the check only counts: an instance costs more than all the checks of its row
            return {"row": number, "hash": digest, "ok": True, "volunteer": None}
        volunteer = Volunteer(
            organization=organization, name=name, gender=identity["gender"], birth_date=identity["birth_date"],
            id_type=id_type, id_number_hash=digest, id_number_masked=mask_id_number(identity["id_number"]),
            mobile_hash=pii.lookup_hash("mobile", mobile) if mobile else "",
            mobile_masked=mask_mobile(mobile) if mobile else "", political_status=political,
            registered_on=registered_on, platform=self.platform if text["platform_number"] or self.platform else "",
            platform_number=text["platform_number"], created_by=actor(self.by))
        volunteer.clear = (identity["id_number"], mobile)  # encrypted only when written
        return {"row": number, "hash": digest, "ok": True, "volunteer": volunteer}

    def write(self, volunteers):
        for volunteer in volunteers:
            number, mobile = volunteer.clear
            volunteer.id_number_encrypted = pii.encrypt(number)
            volunteer.mobile_encrypted = pii.encrypt(mobile)
        insert_objects(Volunteer, volunteers)  # one statement over arrays, not bulk_create's 30 parameters a row

    def finish(self):
        """Nothing to add up: new volunteers have no hours yet."""


# --- service records ------------------------------------------------------------------------------------------


class RecordRows:
    """Checks (and writes) rows of service hours: one query per batch for the volunteers, the records and the
    service days already there, one per new activity name."""

    columns = RECORD_COLUMNS

    def __init__(self, job, by, today):
        self.job, self.by, self.today = job, by, today
        self.root = job.organization
        self.activities = {}  # title -> Activity, None or "ambiguous"
        if job.activity_id:
            require(by, Action.MANAGE_VOLUNTEERS, job.activity)
        self.seen = {}  # (volunteer, activity, date) -> first row
        self.days = {}  # (volunteer, date) -> hours so far (stored and imported)
        self.stored_days = {}  # (volunteer, date) -> ServiceDay
        self.volunteer_ids = set()
        self.changed = {}  # the organisations whose own figures the records change: {organisation id: first day}
        self.now = timezone.now()
        self.stored_records = set()

    def activity(self, title):
        if self.job.activity_id:
            return self.job.activity if not title or title == self.job.activity.title else "other"
        if not title:
            return None
        if title not in self.activities:
            found = list(Activity.objects.restrict(self.by, Action.MANAGE_VOLUNTEERS)
                         .filter(organization__path__startswith=self.root.path, title=title)[:2])
            self.activities[title] = found[0] if len(found) == 1 else "ambiguous" if found else None
        return self.activities[title]

    def check(self, batch, findings):
        hashes = {}
        for number, cells in batch:
            text = normalise(_text(cells.get(self.columns["id_number"])))
            if text:
                hashes[number] = pii.lookup_hash("id", text)
        volunteers = {v.id_number_hash: v for v in Volunteer.objects.restrict(self.by)
                      .filter(id_number_hash__in=set(hashes.values()))
                      .only("pk", "id_number_hash", "organization_id", "status")}
        parsed = []
        for number, cells in batch:
            row = self._row(number, cells, volunteers.get(hashes.get(number)), findings)
            if row is not None:
                parsed.append(row)
        self._load_stored(parsed)
        records = []
        for row in parsed:
            key = (row["volunteer"].pk, row["activity"].pk, row["date"])
            if key in self.stored_records:
                findings.add(row["row"], self.columns["date"],
                             _("This volunteer has a record for this activity on this day already."))
                continue
            first = self.seen.setdefault(key, row["row"])
            if first != row["row"]:
                findings.add(row["row"], self.columns["date"],
                             _("The same volunteer, activity and day are in row %(row)d already.") % {"row": first})
                continue
            day = (row["volunteer"].pk, row["date"])
            total = self.days.get(day, Decimal(0)) + row["hours"]
            if total > 24:
                findings.add(row["row"], self.columns["hours"],
                             _("With these hours the volunteer would serve more than 24 hours on %(date)s.")
                             % {"date": row["date"].isoformat()})
                continue
            self.days[day] = total
            findings.hours += row["hours"]
            records.append(ServiceRecord(
                volunteer_id=row["volunteer"].pk, activity=row["activity"], organization_id=row["volunteer"].organization_id,
                date=row["date"], hours=row["hours"], status=RecordStatus.CONFIRMED, source=RecordSource.IMPORT,
                note=_("Imported from %(file)s") % {"file": self.job.original_name[:200]}, created_by=actor(self.by),
                confirmed_by=actor(self.by), confirmed_at=self.now))
        return records

    def _load_stored(self, parsed):
        """The records and service days already stored for the volunteers and days of a batch."""
        volunteer_ids = {r["volunteer"].pk for r in parsed}
        dates = {r["date"] for r in parsed}
        activity_ids = {r["activity"].pk for r in parsed}
        self.stored_records = set(ServiceRecord.objects.filter(
            volunteer_id__in=volunteer_ids, activity_id__in=activity_ids, date__in=dates)
            .values_list("volunteer_id", "activity_id", "date"))
        new_days = {(r["volunteer"].pk, r["date"]) for r in parsed} - set(self.days)
        if not new_days:
            return
        stored = ServiceDay.objects.filter(volunteer_id__in={v for v, _d in new_days}, date__in={d for _v, d in new_days})
        if self.writing:
            stored = stored.select_for_update()
        for day in stored:
            key = (day.volunteer_id, day.date)
            if key in new_days:
                self.stored_days[key] = day
                self.days[key] = day.hours

    def _row(self, number, cells, volunteer, findings):
        ok = True

        def problem(name, message):
            nonlocal ok
            ok = False
            findings.add(number, self.columns[name], message)

        id_text = _text(cells.get(self.columns["id_number"]))
        if not id_text:
            problem("id_number", _("Enter the document number."))
        elif volunteer is None:
            problem("id_number", _("No volunteer you see has the document number “%(value)s”.")
                    % {"value": mask_id_number(normalise(id_text)[:40])})
        elif volunteer.status == VolunteerStatus.LEFT:
            problem("id_number", _("This volunteer has left."))
        title = _text(cells.get(self.columns["activity"]))
        activity = self.activity(title)
        if activity is None:
            problem("activity", _("No activity below %(root)s that you organise is called “%(value)s”.")
                    % {"root": self.root.name, "value": _shown(title)} if title else _("The activity is missing."))
        elif activity == "ambiguous":
            problem("activity", _("Several activities below %(root)s are called “%(value)s”; choose the activity "
                                  "when uploading.") % {"root": self.root.name, "value": _shown(title)})
        elif activity == "other":
            problem("activity", _("The file names “%(value)s”, but the records go to the activity chosen: %(title)s.")
                    % {"value": _shown(title), "title": self.job.activity.title})
        date, message = parse_day(cells.get(self.columns["date"])) if cells.get(self.columns["date"]) not in (None, "") \
            else (None, _("The date is missing."))
        if message:
            problem("date", message)
        elif date > self.today:
            problem("date", _("Service cannot be recorded for a day still to come."))
        elif isinstance(activity, Activity):
            first, last = activity_dates(activity)
            if not first <= date <= last:
                problem("date", _("The date lies outside the activity (%(first)s to %(last)s).")
                        % {"first": first.isoformat(), "last": last.isoformat()})
        hours, message = parse_hours(cells.get(self.columns["hours"]))
        if message:
            problem("hours", message)
        if not ok:
            return None
        self.volunteer_ids.add(volunteer.pk)
        return {"row": number, "volunteer": volunteer, "activity": activity, "date": date, "hours": hours}

    def write(self, records):
        ServiceRecord.objects.bulk_create(records, batch_size=BATCH)
        for record in records:
            first = self.changed.get(record.organization_id)
            self.changed[record.organization_id] = record.date if first is None else min(first, record.date)

    def finish(self):
        """The service days of everything written, then the volunteers' hours and stars, set-based."""
        changed = [day for key, day in self.stored_days.items() if day.hours != self.days[key]]
        for day in changed:
            day.hours = self.days[(day.volunteer_id, day.date)]
        ServiceDay.objects.bulk_update(changed, ["hours"], batch_size=BATCH)
        ServiceDay.objects.bulk_create([ServiceDay(volunteer_id=v, date=d, hours=h) for (v, d), h in self.days.items()
                                        if (v, d) not in self.stored_days], batch_size=BATCH)
        ids = sorted(self.volunteer_ids)
        for start in range(0, len(ids), 5000):  # a bounded IN list (SQLite takes 32,766 parameters)
            refresh_volunteer_hours(ids[start:start + 5000])
        # the volunteers' organisations may lie outside the import's: their statistics follow too
        if self.changed:
            statistics_changed(self.changed, min(self.changed.values()))


# --- the import as a whole ------------------------------------------------------------------------------------


def _progress_key(pk) -> str:
    return f"volunteer-import-progress-{pk}"


def current_progress(job) -> int:
    """The progress of a running import: a write in its transaction reports through the cache, since its updates
    of the row are invisible until it commits."""
    if job.status != ImportStatus.RUNNING:
        return job.progress
    return max(job.progress, cache.get(_progress_key(job.pk)) or 0)


def check_file(job, *, write=False) -> tuple[Findings, dict]:
    """Read and check the import's file (and with ``write`` write it, batch by batch, inside the caller's
    transaction); the findings and the summary. SpreadsheetError when the file cannot be read at all."""
    by = job.created_by
    require(by, Action.MANAGE_VOLUNTEERS, job.organization)
    findings = Findings()
    with job.file.open("rb") as stored:
        table = stream_table(File(stored.file, name=job.original_name), use=USE, deadline=Deadline(settings.IMPORT_TASK_SECONDS))
        checker = (VolunteerRows if job.kind == Kind.VOLUNTEERS else RecordRows)(job, by, timezone.localdate())
        checker.writing = write
        required = VOLUNTEER_REQUIRED if job.kind == Kind.VOLUNTEERS else RECORD_REQUIRED
        if job.kind == Kind.RECORDS and not job.activity_id:
            required = (*required, RECORD_COLUMNS["activity"])
        missing = [h for h in required if h not in table.headers]
        for header in missing:
            findings.add(1, header, _("The column is missing from the header row."))
        if missing:
            return findings, findings.summary(job.kind)
        done = 0
        for batch in _batches(table.rows):
            findings.rows += len(batch)
            valid = checker.check(batch, findings)
            findings.valid += len(valid)
            if write and not findings.count:
                checker.write(valid)
            done += len(batch)
            _report(job, 5 + min(done * 85 // max(table.estimated_rows, 1), 85), write)
    if write and not findings.count:
        checker.finish()
    summary = findings.summary(job.kind)
    if not findings.rows and not findings.count:
        findings.add(1, "", _("The file has no data rows."))
    return findings, summary


def _report(job, percent, in_transaction):
    if in_transaction:
        cache.set(_progress_key(job.pk), percent, 3600)
    else:
        VolunteerImport.objects.filter(pk=job.pk).update(progress=percent)


def run_import(job_id: int) -> str:
    """The task's work: check the file, or (``apply``) check and write it whole. Idempotent: a finished import is
    left as it is, and a write that failed half-way has rolled back."""
    job = VolunteerImport.objects.select_related("organization", "activity", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job.status
    VolunteerImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, progress=2)
    job.status = ImportStatus.RUNNING
    summary = {**(job.summary or {})}
    try:
        if job.apply:
            with transaction.atomic():
                findings, counted = check_file(job, write=True)
                if findings.count:
                    transaction.set_rollback(True)
        else:
            findings, counted = check_file(job)
    except SpreadsheetError as exc:
        return _finish(job, ImportStatus.FAILED, detail=exc.message[:500])
    except (ValidationError, PermissionDenied, IntegrityError) as exc:  # a right or the database changed meanwhile
        message = " ".join(getattr(exc, "messages", [])) or _("The import could not be written; nothing was imported.")
        if isinstance(exc, PermissionDenied):
            message = _("You no longer keep the volunteers of %(organization)s.") % {"organization": job.organization.name}
        return _finish(job, ImportStatus.INVALID, errors=[{"row": 0, "column": "", "message": message}], error_count=1)
    summary.update(counted)
    if findings.count:
        return _finish(job, ImportStatus.INVALID, summary=summary, errors=findings.problems, error_count=findings.count)
    if job.apply:
        summary["imported"] = findings.valid
        # the figures of the whole subtree the file wrote into (and of those above), after the commit
        enqueue("volunteers.tasks.rebuild_statistics", job.organization_id)
    return _finish(job, ImportStatus.DONE, summary=summary, errors=[], error_count=0)


def _finish(job, status, **fields) -> str:
    keep_file = status == ImportStatus.DONE and not job.apply  # a checked file waits to be applied
    VolunteerImport.objects.filter(pk=job.pk).update(status=status, progress=100, finished_at=timezone.now(), **fields)
    cache.delete(_progress_key(job.pk))
    job.refresh_from_db()
    if not keep_file and job.file:
        job.file.delete(save=True)
    return status


def mark_failed(job_id: int) -> None:
    """A crash of the task (time limit, lost database) ends the import with a message, not a spinner forever."""
    job = VolunteerImport.objects.filter(pk=job_id).first()
    if job is not None and job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        _finish(job, ImportStatus.FAILED, detail=_("The import stopped unexpectedly; nothing was imported. Please try again."))


# --- the two steps a user takes -------------------------------------------------------------------------------


@transaction.atomic
def start_import(*, by, kind, organization, upload, activity=None, platform="") -> VolunteerImport:
    """Keep ``upload`` and have Celery check it. ``organization`` bounds the organisations and activities the rows
    may name; a records import may go to one ``activity``. The file is refused here only by its size and kind."""
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose what the file holds.")]})
    if platform and platform not in Platform.values:
        raise ValidationError({"platform": [_("Choose a platform.")]})
    require(by, Action.MANAGE_VOLUNTEERS, organization)
    if activity is not None:
        if kind != Kind.RECORDS:
            raise ValidationError({"activity": [_("Only service records go to an activity.")]})
        require(by, Action.MANAGE_VOLUNTEERS, activity)
        organization = activity.organization
    name = (getattr(upload, "name", "") or "import.csv")[-200:]
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv" if name.lower().endswith((".csv", ".txt")) else ""
    if not suffix:
        raise ValidationError({"file": [_("Only .xlsx and .csv files can be imported.")]})
    try:
        read_upload(upload, sheet_limits(USE).max_bytes)
    except SpreadsheetError as exc:
        raise ValidationError({"file": [exc.message]}) from None
    upload.seek(0)
    job = VolunteerImport(kind=kind, organization=organization, activity=activity, created_by=by, original_name=name,
                          summary={"platform": platform} if platform else {})
    job.file.save(f"{uuid.uuid4().hex}{suffix}", File(upload), save=False)
    job.save()
    enqueue("volunteers.tasks.run_volunteer_import", job.pk)
    return job


@transaction.atomic
def apply_import(job, *, by) -> VolunteerImport:
    """Write a checked file without problems: the task checks it again against the database as it is now and
    writes it whole, or nothing."""
    job = VolunteerImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    if job.status != ImportStatus.DONE or job.apply or job.error_count or not job.file:
        raise ValidationError(_("Only a checked file without problems can be imported, once."))
    require(by, Action.MANAGE_VOLUNTEERS, job.organization)
    VolunteerImport.objects.filter(pk=job.pk).update(apply=True, status=ImportStatus.QUEUED, progress=0,
                                                     finished_at=None)
    job.refresh_from_db()
    audit.record(by, AuditAction.VOLUNTEER_IMPORT, job, job.organization, note=job.original_name)
    enqueue("volunteers.tasks.run_volunteer_import", job.pk)
    return job


def problems_of(job, *, row=None) -> list[dict]:
    """The stored problems of an import (those of one row with ``row``)."""
    problems = job.errors or []
    return [p for p in problems if p.get("row") == row] if row is not None else problems


__all__ = ["apply_import", "check_file", "current_progress", "headers_of", "mark_failed", "parse_day", "parse_hours",
           "problems_of", "run_import", "start_import"]
