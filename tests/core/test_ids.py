"""Identity numbers (GB 11643-1999), credit codes (GB 32100-2015), region codes, phones, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from gonghui.core.ids import (
    CREDIT_CODE_ALPHABET,
    EXCEL_CODES,
    MESSAGES,
    PROVINCE_CODES,
    CreditCodeError,
    IdNumberError,
    PhoneError,
    RegionCodeError,
    id_check_char,
    is_valid_credit_code,
    is_valid_id_number,
    make_credit_code,
    make_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
    validate_credit_code,
    validate_region_code,
)

TODAY = date(2025, 6, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def reference_check(first17: str) -> str:
    """The check character straight from the standard's formula."""
    value = (12 - sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + reference_check(first17)


def id_error(raw: str, **kwargs: date) -> IdNumberError:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(raw, **kwargs)
    return info.value


# --------------------------------------------------------------------------- valid ID numbers


@pytest.mark.parametrize(
    ("number", "gender", "born", "address"),
    [
        ("530326199001010011", "M", date(1990, 1, 1), "530326"),  # 会泽县
        ("53032619850615004X", "F", date(1985, 6, 15), "530326"),  # check X
        ("810000199503080025", "F", date(1995, 3, 8), "810000"),  # Hong Kong residence permit
        ("532101200506010374", "M", date(2005, 6, 1), "532101"),  # 昭通市 (county), abolished 2001
        ("530321201002280441", "F", date(2010, 2, 28), "530321"),  # old 曲靖 county code
        ("11010519491231002X", "F", date(1949, 12, 31), "110105"),
        ("530326197001091000", "F", date(1970, 1, 9), "530326"),  # genuinely ends in 000
    ],
)
def test_valid_numbers(number: str, gender: str, born: date, address: str) -> None:
    assert number[-1] == reference_check(number[:17])
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.gender == gender
    assert info.birth_date == born
    assert info.address_code == address
    assert info.province_code == address[:2]
    assert info.upgraded_from_15 is False
    assert is_valid_id_number(number)


def test_stdnum_era_check_would_reject_an_old_code_we_accept() -> None:
    number = "532101200506010374"
    assert ric.calc_check_digit(number) == number[-1]
    assert parse_id_number(number).address_code == "532101"


def test_lowercase_x_is_stored_uppercase() -> None:
    assert parse_id_number("53032619850615004x").number == "53032619850615004X"


@pytest.mark.parametrize(
    "raw",
    [
        " 5303 2619 9001 0100 11 ",
        "530326\u00a0199001010011",
        "\u3000５３０３２６１９９００１０１００１１\u3000",
        "\ufeff530326199001010011\u200b",
        "530326199001010011\t\n",
    ],
)
def test_normalisation(raw: str) -> None:
    assert normalize_id_number(raw) == "530326199001010011"
    assert parse_id_number(raw).number == "530326199001010011"


def test_fifteen_digit_upgrade() -> None:
    info = parse_id_number("110105491231002")
    assert info.number == "11010519491231002X"
    assert info.upgraded_from_15 is True
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "F"
    assert parse_id_number("530326900101001").number == with_check("53032619900101001")
    assert parse_id_number("530326900101001").gender == "M"


def test_trailing_dot_zero_accepted_only_when_valid() -> None:
    assert parse_id_number("530326199001010011.0").number == "530326199001010011"
    assert parse_id_number("110105491231002.0").number == "11010519491231002X"
    assert id_error("530326199001010012.0").code == "excel_decimal"
    assert id_error("530326199001010011.00").code == "excel_decimal"
    assert id_error("530326199001010011.5").code == "excel_decimal"
    assert id_error("5303261990010100.0").code == "excel_decimal"


# --------------------------------------------------------------------------- invalid ID numbers


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("5303261990010100", "length"),
        ("5303261990010100111", "length"),
        ("12345", "length"),
        ("53032619900101001A", "chars"),
        ("5303261990X1010011", "chars"),
        ("53032619900101001１Z", "chars"),
        ("张三", "chars"),
        ("11010549123100X", "chars"),  # legacy numbers have no check character
        ("530326199001010012", "checksum"),
        (with_check("53032619900230001"), "birth_date"),  # 30 February
        (with_check("53032619901301001"), "birth_date"),  # month 13
        (with_check("53032618991231001"), "birth_date"),  # before 1900
        (with_check("53032629990101001"), "birth_date"),  # future
        ("530326900230001", "birth_date"),
        (with_check("00032619900101001"), "address"),
        (with_check("99032619900101001"), "address"),
        (with_check("72000019900101001"), "address"),
        ("5.30326E+17", "excel_scientific"),
        ("5.30326e17", "excel_scientific"),
        ("5,30326E+17", "excel_scientific"),
        ("５.３０３２６Ｅ＋１７", "excel_scientific"),
        ("5E+17", "excel_scientific"),
        ("530326199001010000", "excel_truncated"),
        ("530326199001010000.0", "excel_truncated"),
    ],
)
def test_invalid_numbers(raw: str, code: str) -> None:
    error = id_error(raw, today=TODAY)
    assert error.code == code
    assert error.message == str(error)
    assert error.message  # Chinese text for the user
    assert isinstance(error, ValueError)
    assert not is_valid_id_number(raw)


def test_checksum_message_names_the_expected_character() -> None:
    error = id_error("530326199001010012")
    assert error.message == "身份证号码校验位错误，应为 1"
    assert error.params == {"expected": "1"}


def test_truncation_is_only_blamed_when_the_check_fails() -> None:
    assert reference_check("53032619900101000") != "0"
    assert "Excel 只保留 15 位有效数字" in id_error("530326199001010000").message
    assert "科学计数法" in id_error("5.30326E+17").message
    assert {"excel_scientific", "excel_truncated", "excel_decimal"} == EXCEL_CODES


def test_future_birth_relative_to_today() -> None:
    number = make_id_number("530326", date(2020, 5, 5), 11)
    assert parse_id_number(number, today=date(2020, 5, 5)).birth_date == date(2020, 5, 5)
    assert id_error(number, today=date(2020, 5, 4)).code == "birth_date"


def test_error_messages_never_echo_the_number() -> None:
    for raw in ("530326199001010012", "530326199001010000", with_check("53032619900230001")):
        assert "5303261990" not in id_error(raw).message


def test_all_message_templates_format() -> None:
    params = {
        "length": 3,
        "position": 1,
        "char": "I",
        "expected": "X",
        "value": "x",
        "province": "00",
    }
    for template in MESSAGES.values():
        assert template.format(**params)


# --------------------------------------------------------------------------- generation, check digit


def test_make_id_number() -> None:
    number = make_id_number("810000", date(1999, 12, 31), 7)
    assert number[:17] == "81000019991231007"
    assert number[-1] == reference_check(number[:17])
    with pytest.raises(RegionCodeError):
        make_id_number("990000", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("530326", date(1990, 1, 1), 1000)
    with pytest.raises(ValueError):
        make_id_number("530326", date(1899, 12, 31), 1)


def test_id_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        id_check_char("1234")
    with pytest.raises(ValueError):
        id_check_char("１" * 17)


province_codes = st.sampled_from(sorted(PROVINCE_CODES))
area_suffixes = st.integers(min_value=0, max_value=9999).map(lambda n: f"{n:04d}")
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_formula_and_stdnum(first17: str) -> None:
    assert id_check_char(first17) == reference_check(first17)
    assert ric.calc_check_digit(first17 + "0") == reference_check(first17)


@given(province_codes, area_suffixes, birth_dates, sequences)
def test_generated_numbers_parse_and_round_trip(province: str, suffix: str, born: date, seq: int) -> None:
    number = make_id_number(province + suffix, born, seq)
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.address_code == province + suffix
    assert info.province_code == province
    assert info.birth_date == born
    assert info.gender == ("M" if seq % 2 else "F")
    assert parse_id_number(number.lower(), today=TODAY) == info
    assert parse_id_number(" " + number[:6] + " " + number[6:] + " ", today=TODAY) == info


@given(
    province_codes,
    area_suffixes,
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequences,
)
def test_fifteen_digit_numbers_upgrade(province: str, suffix: str, born: date, seq: int) -> None:
    legacy = f"{province}{suffix}{born:%y%m%d}{seq:03d}"
    info = parse_id_number(legacy, today=TODAY)
    assert info.upgraded_from_15
    assert info.number == make_id_number(province + suffix, born, seq)


@given(
    province_codes,
    area_suffixes,
    birth_dates,
    sequences,
    st.integers(min_value=0, max_value=17),
    st.integers(min_value=1, max_value=10),
)
def test_any_single_substitution_is_rejected(
    province: str, suffix: str, born: date, seq: int, position: int, shift: int
) -> None:
    number = make_id_number(province + suffix, born, seq)
    symbols = "0123456789X" if position == 17 else "0123456789"
    if shift >= len(symbols):
        shift = 1
    replaced = symbols[(symbols.index(number[position]) + shift) % len(symbols)]
    changed = number[:position] + replaced + number[position + 1 :]
    assert changed != number
    assert not is_valid_id_number(changed)


# --------------------------------------------------------------------------- region codes


def test_region_codes() -> None:
    assert validate_region_code("530326") == "530326"
    assert validate_region_code(" ５３０３２６ ") == "530326"
    assert validate_region_code("532101") == "532101"  # abolished codes pass
    assert validate_region_code("820000") == "820000"
    assert validate_region_code("100000", allow_national=True) == "100000"
    for bad, code in [
        ("53032", "format"),
        ("5303260", "format"),
        ("53032A", "format"),
        ("", "format"),
        ("000000", "province"),
        ("990000", "province"),
        ("100000", "province"),
        ("160000", "province"),
    ]:
        with pytest.raises(RegionCodeError) as info:
            validate_region_code(bad)
        assert info.value.code == code
        assert info.value.message


# --------------------------------------------------------------------------- credit codes

VALID_CREDIT_CODES = [
    "91110000600037341L",  # python-stdnum's example
    "91350100M000100Y43",  # letters in the organisation code
    "81530326MC00000012",  # 工会 (8), 基层工会 (1), 会泽县
    "91530326MA6K000127",  # 工商 (9), 企业 (1)
    "A1100000MA0000013N",  # A, national area 100000
    "N2530326MA0000014N",  # 农业 (N)
    "Y1530326MA0000015L",  # 其他 (Y)
    "11100000000013127D",  # 机构编制 (1), national level
    "51530326MJ00000162",  # 民政 (5)
]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes(code: str) -> None:
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)
    assert make_credit_code(code[:17]) == code


def test_credit_code_normalisation() -> None:
    assert normalize_credit_code(" ９１１１００００６０００３７３４１ｌ ") == "91110000600037341L"
    assert validate_credit_code("9111 0000 6000 3734 1l") == "91110000600037341L"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("9111000060003734", "length"),
        ("91110000600037341L0", "length"),
        ("91110000600037341I", "chars"),
        ("9111000060003734OL", "chars"),
        ("9111000060003734ZL", "chars"),
        ("9111000060003734SL", "chars"),
        ("9111000060003734VL", "chars"),
        ("9111000060003734-L", "chars"),
        ("91110000600037341M", "checksum"),
        (make_credit_code("91110000600037341")[:-1] + "0", "checksum"),
        ("0" + make_credit_code("91110000600037341")[1:], "registering_body"),
        ("B1110000600037341L", "registering_body"),
        ("9111A000600037341L", "area"),
        ("91990000600037341L", "area"),
        ("91000000600037341L", "area"),
    ],
)
def test_invalid_credit_codes(raw: str, code: str) -> None:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(raw)
    assert info.value.code == code
    assert info.value.message
    assert not is_valid_credit_code(raw)


def test_forbidden_letters_get_a_hint() -> None:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code("9111000060003734OL")
    assert "I、O、Z、S、V" in info.value.message
    assert info.value.params == {"position": 17, "char": "O"}


def test_make_credit_code_rejects_bad_prefixes() -> None:
    for bad in ("9111000060003734", "9111000060003734I", "0111000060003734A"):
        with pytest.raises(CreditCodeError):
            make_credit_code(bad)


registering_bodies = st.sampled_from("123456789ANY")
alphabet_chars = st.sampled_from(CREDIT_CODE_ALPHABET)
org_codes = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9)


@given(registering_bodies, alphabet_chars, province_codes, area_suffixes, org_codes)
def test_generated_credit_codes_validate(body: str, kind: str, province: str, suffix: str, org: str) -> None:
    code = make_credit_code(body + kind + province + suffix + org)
    assert len(code) == 18
    assert validate_credit_code(code) == code
    assert validate_credit_code(code.lower()) == code


@given(
    registering_bodies,
    alphabet_chars,
    province_codes,
    area_suffixes,
    org_codes,
    st.integers(min_value=0, max_value=17),
    st.integers(min_value=1, max_value=30),
)
def test_any_single_credit_code_substitution_is_rejected(
    body: str, kind: str, province: str, suffix: str, org: str, position: int, shift: int
) -> None:
    code = make_credit_code(body + kind + province + suffix + org)
    replaced = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.index(code[position]) + shift) % 31]
    changed = code[:position] + replaced + code[position + 1 :]
    assert not is_valid_credit_code(changed)


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("19912345678", "19912345678"),
        ("0874-1234567", "0874-1234567"),
        ("0874 1234567", "0874-1234567"),
        ("08741234567", "0874-1234567"),
        ("(0874)1234567", "0874-1234567"),
        ("（0874）1234567", "0874-1234567"),
        ("010-12345678", "010-12345678"),
        ("021-6123456", "021-6123456"),
        ("0871-65123456", "0871-65123456"),
        ("+86 874 1234567", "0874-1234567"),
        ("+86-10-12345678", "010-12345678"),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("12800138000", "invalid"),  # no 12x mobile prefix
        ("1380013800", "invalid"),
        ("138001380001", "invalid"),
        ("0874-123456", "invalid"),
        ("0874-123456789", "invalid"),
        ("0874-0123456", "invalid"),
        ("1234567", "invalid"),
        ("phone", "invalid"),
        ("+1 415 555 0100", "invalid"),
    ],
)
def test_invalid_phones(raw: str, code: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_phone(raw)
    assert info.value.code == code
    assert info.value.message
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- masking


def test_masks() -> None:
    assert mask_id_number("530326199001010011") == "5303**********0011"
    assert len(mask_id_number("530326199001010011")) == 18
    assert mask_phone("13800110011") == "138****0011"
    assert mask_phone("0874-1234567") == "0874-***4567"
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"
    assert mask_name("张") == "*"
    assert mask_name("") == ""
    assert mask_id_number("") == ""
    assert mask_phone("") == ""


def revealed(original: str, masked: str) -> int:
    assert len(masked) == len(original)
    return sum(1 for a, b in zip(original, masked, strict=True) if b != "*" and a == b)


@given(province_codes, area_suffixes, birth_dates, sequences)
def test_mask_id_number_shows_first_and_last_four(province: str, suffix: str, born: date, seq: int) -> None:
    number = make_id_number(province + suffix, born, seq)
    masked = mask_id_number(number)
    assert masked == number[:4] + "*" * 10 + number[-4:]


@given(st.text(max_size=40))
def test_masks_never_reveal_more_than_stated(text: str) -> None:
    id_masked = mask_id_number(text)
    assert revealed(text, id_masked) <= 8
    if len(text) <= 8:
        assert set(id_masked) <= {"*"}
    phone_masked = mask_phone(text)
    assert revealed(text, phone_masked) <= 9
    if len(text) < 8:
        assert set(phone_masked) <= {"*"}
    name = text.strip()
    assert mask_name(text) == (name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name))


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_mobile(phone: str) -> None:
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


@given(st.from_regex(r"0[1-9][0-9]{1,2}-[1-9][0-9]{6,7}", fullmatch=True))
def test_mask_landline_hides_all_but_last_four_of_the_local_number(phone: str) -> None:
    area, _, local = phone.partition("-")
    assert mask_phone(phone) == f"{area}-" + "*" * (len(local) - 4) + local[-4:]


def test_demo_sized_generation_is_unique() -> None:
    start = date(1960, 1, 1)
    numbers = {make_id_number("530326", start + timedelta(days=i % 20000), i % 1000) for i in range(5000)}
    assert len(numbers) == 5000
    assert all(is_valid_id_number(n) for n in numbers)
