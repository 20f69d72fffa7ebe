"""The GB 11643 check of ID numbers, the permits built like them, mobiles and masks."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from volunteers.choices import Gender, IdType
from volunteers.idnumbers import check_character, check_id_number, check_mobile, mask_id_number, mask_mobile, normalise

from .ids import resident_id, with_check

TODAY = datetime.date(2026, 11, 24)


def codes_of(call):
    with pytest.raises(ValidationError) as e:
        call()
    return e.value.code


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_the_check_character_of_the_standards_examples(number):
    assert check_character(number[:17]) == number[17]


def test_it_accepts_the_standards_example_with_x_and_refuses_a_birth_before_1900():
    assert check_id_number(IdType.RESIDENT, "11010519491231002X", TODAY).number == "11010519491231002X"
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, "440524188001010014", TODAY)) == "birth_date"


@pytest.mark.parametrize("region", [
    "110101", "120101", "130102", "140105", "150102", "210102", "220102", "230102", "310101", "320102", "330102",
    "340102", "350102", "360102", "370102", "410102", "420102", "430102", "440103", "450102", "460105", "500101",
    "510104", "520102", "530102", "540102", "610102", "620102", "630102", "640104", "650102",
])
def test_it_accepts_a_valid_number_of_every_province(region):
    number = resident_id(region)
    identity = check_id_number(IdType.RESIDENT, number, TODAY)
    assert identity.birth_date == datetime.date(2000, 5, 17)


@pytest.mark.parametrize("region", [
    "512301",  # 涪陵地区, Sichuan, before Chongqing became a municipality in 1997
    "440301",  # 深圳市市辖区, a code no longer in use
    "452130",  # 南宁地区 (abolished 2002)
    "460001",  # the first Hainan codes
    "429004",  # 仙桃市, a directly administered code ending 9xx
    "220199",  # a code that was never a county: the check is of the province only
])
def test_it_accepts_numbers_of_regions_that_no_longer_exist(region):
    """General-purpose libraries check the current table of divisions and reject these valid numbers."""
    assert check_id_number(IdType.RESIDENT, resident_id(region, datetime.date(1985, 2, 28)), TODAY)


def test_it_reads_the_gender_from_the_seventeenth_digit():
    assert check_id_number(IdType.RESIDENT, resident_id(male=True), TODAY).gender == Gender.MALE
    assert check_id_number(IdType.RESIDENT, resident_id(male=False), TODAY).gender == Gender.FEMALE


def test_it_refuses_a_wrong_check_digit():
    good = resident_id()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, wrong, TODAY)) == "check_digit"


@pytest.mark.parametrize("birth", ["20230229", "19990230", "20001301", "20000100", "20000431"])
def test_it_refuses_a_birth_date_that_does_not_exist(birth):
    number = with_check(f"440305{birth}123")
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, number, TODAY)) == "birth_date"


@pytest.mark.parametrize("birth", ["20261125", "20300101", "18991231"])
def test_it_refuses_a_birth_date_in_the_future_or_before_1900(birth):
    number = with_check(f"440305{birth}123")
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, number, TODAY)) == "birth_date"


def test_it_accepts_the_leap_day():
    assert check_id_number(IdType.RESIDENT, with_check("44030520000229123"), TODAY).birth_date == datetime.date(2000, 2, 29)


@pytest.mark.parametrize("number,code", [
    ("44030519850228", "format"), ("4403051985022812345", "format"), ("44030519850228123Y", "format"),
    ("440305850228123", "old_number"), ("", "required"),
])
def test_it_refuses_malformed_numbers(number, code):
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, number, TODAY)) == code


def test_it_refuses_a_number_of_no_province():
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, resident_id("990101"), TODAY)) == "region"
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, resident_id("000000"), TODAY)) == "region"


def test_it_reads_a_lower_case_x_spaces_and_full_width_digits():
    number = "11010519491231002X"
    assert check_id_number(IdType.RESIDENT, "110105 1949 1231 002x", TODAY).number == number
    assert check_id_number(IdType.RESIDENT, "１１０１０５１９４９１２３１００２Ｘ", TODAY).number == number
    assert normalise(" 1-2 ") == "12"


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_it_checks_residence_permits_of_hong_kong_macao_and_taiwan(prefix):
    number = resident_id(prefix)
    assert check_id_number(IdType.HMT_RESIDENCE, number, TODAY).birth_date == datetime.date(2000, 5, 17)
    assert codes_of(lambda: check_id_number(IdType.RESIDENT, number, TODAY)) == "type"
    assert codes_of(lambda: check_id_number(IdType.HMT_RESIDENCE, resident_id("440305"), TODAY)) == "region"


def test_it_checks_foreign_permanent_resident_cards_old_and_new():
    new = with_check("93184019900101123")
    assert check_id_number(IdType.FOREIGN_PERMANENT, new, TODAY).birth_date == datetime.date(1990, 1, 1)
    assert check_id_number(IdType.FOREIGN_PERMANENT, "usa310190010112", TODAY).number == "USA310190010112"
    assert codes_of(lambda: check_id_number(IdType.FOREIGN_PERMANENT, resident_id(), TODAY)) == "format"
    wrong = new[:17] + ("1" if new[17] != "1" else "2")
    assert codes_of(lambda: check_id_number(IdType.FOREIGN_PERMANENT, wrong, TODAY)) == "check_digit"


def test_it_checks_passport_numbers_by_shape_only():
    assert check_id_number(IdType.PASSPORT, "e12345678", TODAY).number == "E12345678"
    assert check_id_number(IdType.PASSPORT, "E12345678", TODAY).birth_date is None
    assert codes_of(lambda: check_id_number(IdType.PASSPORT, "E1", TODAY)) == "format"
    assert codes_of(lambda: check_id_number(IdType.PASSPORT, "E12345678<<", TODAY)) == "format"


def test_it_checks_mobiles():
    assert check_mobile("+86 138-1234-5678") == "13812345678"
    for bad in ("1381234567", "12812345678", "23812345678", "138123456789", "abc"):
        with pytest.raises(ValidationError):
            check_mobile(bad)


def test_it_masks_document_numbers_and_mobiles():
    assert mask_id_number("440305200005171234") == "4403**********1234"
    assert mask_id_number("E12345678") == "E*******8"  # see test_attack_findings: E123*5678 hid one digit
    assert mask_id_number("E1234") == "E***4"
    assert mask_mobile("13812345678") == "138****5678"
