import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from malpro.core import validators as v

TODAY = dt.date(2026, 11, 28)


def _code(fn, value):
    with pytest.raises(ValidationError) as info:
        fn(value)
    return info.value.code, " ".join(info.value.messages)


# --- NIK --------------------------------------------------------------------------------------
def test_nik_of_a_man_from_kota_malang_is_parsed():
    nik = v.clean_nik("3573051203850001", today=TODAY)
    assert nik.regency_code == "35.73"
    assert nik.district_code == "35.73.05"
    assert nik.birth_date == dt.date(1985, 3, 12)
    assert nik.gender == "L"


def test_nik_of_a_woman_has_forty_added_to_the_birth_day():
    nik = v.clean_nik("3573 0141 0790 0003", today=TODAY)
    assert nik.number == "3573014107900003"
    assert nik.birth_date == dt.date(1990, 7, 1)
    assert nik.gender == "P"


def test_nik_of_a_child_born_this_century():
    assert v.clean_nik("3507122505150002", today=TODAY).birth_date == dt.date(2015, 5, 25)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "wajib"),
        ("357305120385001", "length", "16 digit (yang diisi 15 digit)"),
        ("35730512038500012", "length", "yang diisi 17"),
        ("35730512O3850001", "not_digits", "hanya boleh berisi angka"),
        ("9973051203850001", "nik_province", "99"),
        ("3573001203850001", "nik_region", "00"),
        ("3573013102990001", "nik_birth_date", "Tanggal lahir"),  # 31 February
        ("3573017202990001", "nik_birth_date", "Tanggal lahir"),  # day 72 = 32 for a woman
        ("3573012012260001", "nik_birth_date", "Tanggal lahir"),  # born next month
        ("3573051203850000", "nik_sequence", "0000"),
    ],
)
def test_nik_rejects_malformed_numbers_with_a_specific_message(value, code, fragment):
    got_code, message = _code(lambda x: v.clean_nik(x, today=TODAY), value)
    assert got_code == code
    assert fragment in message


# --- NIP --------------------------------------------------------------------------------------
def test_nip_of_a_civil_servant_is_parsed():
    nip = v.clean_nip("19850712 201001 2 003", today=TODAY)
    assert nip.number == "198507122010012003"
    assert nip.birth_date == dt.date(1985, 7, 12)
    assert (nip.appointment_year, nip.appointment_month) == (2010, 1)
    assert nip.kind == "PNS"
    assert nip.gender == "P"


def test_nip_of_a_pppk_carries_the_year_and_marker_21():
    nip = v.clean_nip("199003152022211001", today=TODAY)
    assert nip.kind == "PPPK"
    assert nip.appointment_year == 2022
    assert nip.appointment_month is None
    assert nip.gender == "L"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("19850712201001200", "length"),
        ("1985071220100120031", "length"),
        ("19851312201001 2003", "nip_birth_date"),  # month 13
        ("193005122010012003", "nip_birth_date"),  # born 1930: too old to be in service
        ("198507122010132003", "nip_appointment"),  # appointment month 13
        ("198507121995012003", "nip_appointment"),  # appointed at age 9
        ("198507122030012003", "nip_appointment"),  # appointed in the future
        ("198507122010013003", "nip_gender"),
        ("198507122010012000", "nip_sequence"),
        ("19850712201001200A", "not_digits"),
    ],
)
def test_nip_rejects_malformed_numbers(value, code):
    assert _code(lambda x: v.clean_nip(x, today=TODAY), value)[0] == code


# --- NIB --------------------------------------------------------------------------------------
def test_nib_accepts_thirteen_digits_with_separators():
    assert v.clean_nib("9120 1012 3456 7") == "9120101234567"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("912010123456", "length"),
        ("91201012345678", "length"),
        ("0000000000000", "nib_zero"),
        ("91201012345ab", "not_digits"),
        ("", "required"),
    ],
)
def test_nib_rejects_malformed_numbers(value, code):
    assert _code(v.clean_nib, value)[0] == code


# --- phone ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456 7890"],
)
def test_phone_spellings_normalise_to_e164(value):
    assert v.clean_phone(value) == "+6281234567890"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("0812345", "phone_invalid"),
        ("0341551234", "phone_not_mobile"),  # a Malang landline
        ("+14155552671", "phone_country"),
        ("0812abc4567", "phone_chars"),
    ],
)
def test_phone_rejects_what_is_not_an_indonesian_mobile(value, code):
    assert _code(v.clean_phone, value)[0] == code


def test_phone_formats_back_the_way_people_write_it():
    assert v.format_phone("+6281234567890") == "0812-3456-7890"


def test_masks_hide_the_middle_of_personal_numbers():
    assert v.mask_phone("+6281234567890") == "+62812••••7890"
    assert v.mask_nik("3573051203850001") == "357305••••••••01"
    assert v.mask_nip("198507122010012003") == "1985•••••••••••003"
