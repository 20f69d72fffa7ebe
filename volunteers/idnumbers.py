"""Identity document numbers: the GB 11643 check of 居民身份证 numbers, and of the permits built like them.

Written here rather than taken from a general-purpose library because those check the first six digits
against the current table of administrative divisions, and so reject the valid numbers of everyone born in
a county that has since been merged or renamed (and of Chongqing residents registered before 1997 under 51).
A number's region is only checked to be a province's; its birth date must be a real date in the past, and its
last character is the ISO 7064 MOD 11-2 check of the first seventeen.
"""
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import Gender, IdType

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# provinces, autonomous regions and municipalities (GB/T 2260), Taiwan (71)
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
})
HMT_PREFIXES = ("810000", "820000", "830000")  # Hong Kong, Macao, Taiwan residents' permits
EIGHTEEN = re.compile(r"\d{17}[\dX]")
OLD_FOREIGN = re.compile(r"[A-Z]{3}\d{12}")  # the 2004 permanent residence card: country, province, birth, serial, check
PASSPORT = re.compile(r"[A-Z0-9]{5,17}")
MOBILE = re.compile(r"1[3-9]\d{9}")


@dataclass(frozen=True)
class Identity:
    """What a document number says: the number as stored, and the birth date and gender it encodes (if any)."""

    number: str
    birth_date: datetime.date | None = None
    gender: str | None = None


def check_character(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of the first seventeen digits."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(number: str) -> str:
    """Upper case, without spaces, full-width characters made half-width (people paste ＸＸ from Word)."""
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in str(number or ""))
    return re.sub(r"[\s\-]", "", text).upper()


def _eighteen(number: str, today: datetime.date) -> Identity:
    if not EIGHTEEN.fullmatch(number):
        raise ValidationError(_("An ID number has 17 digits and a last digit or X (18 characters)."), code="format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in this ID number (%(date)s) does not exist.")
                              % {"date": number[6:14]}, code="birth_date") from None
    if not datetime.date(1900, 1, 1) <= birth <= today:
        raise ValidationError(_("The birth date in this ID number (%(date)s) is not possible.")
                              % {"date": number[6:14]}, code="birth_date")
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("The last character of this ID number is wrong: check for a typing error."),
                              code="check_digit")
    return Identity(number, birth, Gender.MALE if int(number[16]) % 2 else Gender.FEMALE)


def check_id_number(id_type: str, number: str, today: datetime.date | None = None) -> Identity:
    """The checked, normalised number of a document of ``id_type``; ValidationError with a message that
    says what is wrong."""
    today = today or datetime.date.today()
    number = normalise(number)
    if not number:
        raise ValidationError(_("Enter the document number."), code="required")
    if id_type == IdType.RESIDENT:
        if len(number) == 15 and number.isdigit():
            raise ValidationError(_("15-digit ID numbers are no longer valid: enter the 18-digit number."),
                                  code="old_number")
        if number.startswith(HMT_PREFIXES):
            raise ValidationError(_("This is the number of a residence permit for Hong Kong, Macao and Taiwan "
                                    "residents: choose that document type."), code="type")
        identity = _eighteen(number, today)
        if number[:2] not in PROVINCES:
            raise ValidationError(_("An ID number starts with the code of a province; “%(code)s” is none.")
                                  % {"code": number[:2]}, code="region")
        return identity
    if id_type == IdType.HMT_RESIDENCE:
        if not number.startswith(HMT_PREFIXES):
            raise ValidationError(_("A residence permit number starts with 810000, 820000 or 830000."), code="region")
        return _eighteen(number, today)
    if id_type == IdType.FOREIGN_PERMANENT:
        if OLD_FOREIGN.fullmatch(number):
            return Identity(number)
        if not number.startswith("9"):
            raise ValidationError(_("A foreign permanent resident ID number starts with 9 (18 characters) or with "
                                    "three letters (15 characters)."), code="format")
        return _eighteen(number, today)
    if id_type == IdType.PASSPORT:
        if not PASSPORT.fullmatch(number):
            raise ValidationError(_("A passport number has 5 to 17 letters and digits."), code="format")
        return Identity(number)
    raise ValidationError(_("Choose a document type."), code="type")


def check_mobile(number: str) -> str:
    """A mainland mobile number (11 digits, 1[3-9]…), without +86, spaces or dashes."""
    text = normalise(number).removeprefix("+86").removeprefix("0086")
    if not MOBILE.fullmatch(text):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13 to 19."), code="mobile")
    return text


def mask_id_number(number: str) -> str:
    """4403**********1234: the first four and last four characters of an 18-character number; of a shorter one
    (a passport) a fifth of it at each end at most, E*******8, so that the stars always hide most of it."""
    keep = 4 if len(number) >= 18 else len(number) // 5
    if not keep:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def mask_mobile(number: str) -> str:
    """138****5678."""
    return number[:3] + "****" + number[-4:] if len(number) >= 8 else "*" * len(number)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
