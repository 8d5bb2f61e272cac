"""Identity numbers, unified social credit codes, region codes, phones: checks and masking.

Sources (see also DOMAIN.md, "Data standards"):

* 公民身份号码 — GB 11643-1999. 18 characters: 6-digit address code (GB/T 2260) + birth date
  YYYYMMDD + 3-digit sequence (odd = male, even = female) + check character (ISO 7064 MOD 11-2,
  10 written ``X``). Legacy 15-digit numbers: address + YYMMDD + sequence, no check character.
  Residence permits of Hong Kong, Macau and Taiwan residents (address 810000/820000/830000) use
  the same layout and check.
* 统一社会信用代码 — GB 32100-2015. 18 characters over ``0123456789ABCDEFGHJKLMNPQRTUWXY``:
  registering body, entity type, 6-digit area code (GB/T 2260), 9-character organisation code,
  check character (MOD 31).
* 行政区划代码 — GB/T 2260: 6 digits, province 2 + prefecture 2 + county 2.

Address and area codes are only checked for structure (six digits, a real province prefix), never
against a list of current codes: a person keeps the code of the place and time their number was
issued, which may have been abolished before or created after their birth (python-stdnum's
``cn.ric`` gets this wrong, so only checksums are computed here, by hand, for speed).

Numbers that went through Excel as numbers are reported as such and never "repaired".

All user-facing messages live in ``MESSAGES`` so they can be wrapped for translation later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "EXCEL_CODES",
    "MESSAGES",
    "PROVINCE_CODES",
    "CreditCodeError",
    "IdInfo",
    "IdNumberError",
    "PhoneError",
    "RegionCodeError",
    "id_check_char",
    "is_valid_credit_code",
    "is_valid_id_number",
    "make_credit_code",
    "make_id_number",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalize_credit_code",
    "normalize_id_number",
    "normalize_phone",
    "parse_id_number",
    "validate_credit_code",
    "validate_region_code",
]

# Message templates, keyed by message key. An error's `code` is the stable machine-readable part;
# several keys can share a code (all birth-date problems have code "birth_date").
MESSAGES: dict[str, str] = {
    # 公民身份号码
    "id.empty": "身份证号码为空",
    "id.length": "身份证号码应为 18 位（旧式为 15 位），现为 {length} 位",
    "id.chars": "身份证号码第 {position} 位「{char}」不是有效字符：只能是数字，第 18 位可以是 X",
    "id.checksum": "身份证号码校验位错误，应为 {expected}",
    "id.birth_date": "身份证号码中的出生日期 {value} 不是有效日期",
    "id.birth_date_future": "身份证号码中的出生日期 {value} 晚于今天",
    "id.birth_date_too_early": "身份证号码中的出生日期 {value} 早于 1900 年",
    "id.address": "身份证号码前两位 {province} 不是有效的省级行政区划代码",
    "id.excel_scientific": "身份证号码被 Excel 变成了科学计数法（如 5.30326E+17），原号码已丢失；"
    "请把该列设为文本后重新录入",
    "id.excel_truncated": "身份证号码末三位是 000 且校验不通过：Excel 只保留 15 位有效数字，末三位变成了 000；"
    "请把该列设为文本后重新录入",
    "id.excel_decimal": "身份证号码带有小数点，说明它被当作数字处理过，可能已失真；请把该列设为文本后重新录入",
    # 统一社会信用代码
    "uscc.empty": "统一社会信用代码为空",
    "uscc.length": "统一社会信用代码应为 18 位，现为 {length} 位",
    "uscc.chars_forbidden": "统一社会信用代码第 {position} 位是字母 {char}：代码中不使用 I、O、Z、S、V，"
    "请检查是否与数字 1、0、2、5 或字母 U 混淆",
    "uscc.chars": "统一社会信用代码第 {position} 位「{char}」不是有效字符：只能是数字或大写字母（不含 I、O、Z、S、V）",
    "uscc.registering_body": "统一社会信用代码第 1 位（登记管理部门）「{char}」无效，应为 1–9、A、N 或 Y",
    "uscc.area": "统一社会信用代码第 3–8 位应为 6 位数字的行政区划代码，现为「{value}」",
    "uscc.area_province": "统一社会信用代码第 3–4 位 {province} 不是有效的省级行政区划代码",
    "uscc.checksum": "统一社会信用代码校验位错误，应为 {expected}",
    # 行政区划代码
    "region.format": "行政区划代码应为 6 位数字，现为「{value}」",
    "region.province": "行政区划代码前两位 {province} 不是有效的省级代码",
    # 电话
    "phone.empty": "电话号码为空",
    "phone.invalid": "电话号码格式不正确：手机号应为 11 位且以 13–19 开头，"
    "固定电话应为区号加号码，如 0874-1234567",
}

# Error codes meaning "this went through Excel as a number"; importers can count them together.
EXCEL_CODES = frozenset({"excel_scientific", "excel_truncated", "excel_decimal"})

# GB/T 2260 province-level prefixes; 81/82/83 are used by residence permits of Hong Kong, Macau
# and Taiwan residents (810000, 820000, 830000), 71 is Taiwan in GB/T 2260.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83"]
)

_DIGITS = frozenset("0123456789")


class _CodedError(ValueError):
    """A ValueError carrying a stable `code`, a Chinese `message` and the template `params`."""

    def __init__(self, code: str, key: str, **params: Any) -> None:
        self.code = code
        self.key = key
        self.params = params
        self.message = MESSAGES[key].format(**params)
        super().__init__(self.message)


class IdNumberError(_CodedError):
    """An identity number broke a rule of GB 11643-1999, or was mangled by Excel.

    Codes: empty, length, chars, checksum, birth_date, address, excel_scientific, excel_truncated,
    excel_decimal.
    """


class CreditCodeError(_CodedError):
    """A unified social credit code broke a rule of GB 32100-2015.

    Codes: empty, length, chars, registering_body, area, checksum.
    """


class RegionCodeError(_CodedError):
    """A region code is not six digits with a real province prefix (GB/T 2260). Codes: format, province."""


class PhoneError(_CodedError):
    """A phone number is neither a mainland mobile number nor a landline. Codes: empty, invalid."""


# --------------------------------------------------------------------------- normalisation

# Full-width ASCII (U+FF01..U+FF5E) maps onto ASCII 0x21..0x7E; Chinese input methods produce it.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# Zero-width characters and the BOM come along with text pasted from web pages and Word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_TO_ASCII = {**_FULLWIDTH, **_INVISIBLE}


def _to_ascii_compact(raw: str) -> str:
    """Full-width → ASCII, drop every kind of whitespace (incl. U+3000, NBSP) and zero-width chars."""
    if raw.isascii():
        return "".join(raw.split()) if not raw.isalnum() else raw
    return "".join(raw.translate(_TO_ASCII).split())


def normalize_id_number(raw: str) -> str:
    """Strip all whitespace (incl. full-width space, NBSP), convert full-width characters to ASCII,
    uppercase (so a trailing ``x`` becomes ``X``). No validation (GB 11643-1999 writes ``X``)."""
    return _to_ascii_compact(raw).upper()


# --------------------------------------------------------------------------- 公民身份号码

_ID_CHECK_CHARS = "0123456789X"
_EXCEL_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]*)?E[+-]?[0-9]+")
_DECIMAL = re.compile(r"([0-9]+)[.,]([0-9]+)")
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What an identity number says about its holder (GB 11643-1999)."""

    number: str  # canonical 18 characters, uppercase X
    gender: Literal["M", "F"]  # sequence digit odd = male
    birth_date: date
    address_code: str  # 6 digits, any era
    province_code: str  # 2 digits
    upgraded_from_15: bool


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for 17 ASCII digits: (12 − Σ(aᵢ·wᵢ) mod 11) mod 11, 10 → X."""
    # The weights are 2^(18−i) mod 11 (ISO 7064 MOD 11-2) and 13 ≡ 2 (mod 11), so Σ aᵢ·wᵢ ≡
    # 2·int(first17, 13): one C-level conversion instead of a Python loop (the trick python-stdnum
    # uses); 12 ≡ 1 (mod 11).
    if len(first17) != 17 or not (first17.isdigit() and first17.isascii()):
        raise ValueError("need 17 ASCII digits")
    return _ID_CHECK_CHARS[(1 - 2 * int(first17, 13)) % 11]


def _first_bad_char(s: str) -> tuple[int, str] | None:
    """1-based position and character of the first character that is not a digit (X only last)."""
    last = len(s) - 1
    for i, ch in enumerate(s):
        if ch not in _DIGITS and not (ch == "X" and i == last):
            return i + 1, ch
    return None


def _birth_date(yyyymmdd: str, today: date) -> date:
    shown = f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise IdNumberError("birth_date", "id.birth_date", value=shown) from None
    if born > today:
        raise IdNumberError("birth_date", "id.birth_date_future", value=shown)
    if born < _EARLIEST_BIRTH:
        raise IdNumberError("birth_date", "id.birth_date_too_early", value=shown)
    return born


def _parse_digits(s: str, today: date) -> IdInfo:
    """Parse a string that is 15 ASCII digits, or 17 ASCII digits plus a digit or X."""
    if s[:2] not in PROVINCE_CODES:
        raise IdNumberError("address", "id.address", province=s[:2])
    if len(s) == 15:
        born = _birth_date("19" + s[6:12], today)
        first17 = s[:6] + "19" + s[6:]
        number = first17 + id_check_char(first17)
        upgraded = True
    else:
        born = _birth_date(s[6:14], today)
        expected = id_check_char(s[:17])
        if s[17] != expected:
            # Excel keeps 15 significant digits: an 18-digit number typed as a number loses the
            # last three, shown as 000. A genuine number can end in 000 too (1 in 11 chance), and
            # then the check passes, so only a failing check is blamed on Excel.
            if s.endswith("000"):
                raise IdNumberError("excel_truncated", "id.excel_truncated")
            raise IdNumberError("checksum", "id.checksum", expected=expected)
        number = s
        upgraded = False
    return IdInfo(
        number=number,
        gender="M" if (ord(number[16]) - 48) % 2 else "F",
        birth_date=born,
        address_code=number[:6],
        province_code=number[:2],
        upgraded_from_15=upgraded,
    )


def parse_id_number(raw: str, *, today: date | None = None) -> IdInfo:
    """Validate an identity number (GB 11643-1999) and say what it encodes.

    Accepts 18-character numbers (lowercase ``x`` allowed) and legacy 15-digit numbers, which are
    upgraded by inserting ``19`` before the year and appending the check character. Checks: only
    digits (X last), length, a real province prefix (address codes of any era are accepted), a
    real birth date between 1900-01-01 and `today`, the check character.

    Excel damage is reported, never repaired: scientific notation (``5.30326E+17``) →
    ``excel_scientific``; 18 digits ending in ``000`` failing the check → ``excel_truncated``;
    any other decimal point → ``excel_decimal``, except a trailing ``.0`` after an otherwise valid
    number (some tools append it to text), which is accepted.

    Raises IdNumberError (a ValueError) with `code` and a Chinese `message`.
    """
    if today is None:
        today = date.today()
    s = normalize_id_number(raw)
    if not s:
        raise IdNumberError("empty", "id.empty")
    if s.isascii():
        if len(s) == 18 and s[:17].isdigit() and (s[17] == "X" or s[17].isdigit()):
            return _parse_digits(s, today)
        if len(s) == 15 and s.isdigit():
            return _parse_digits(s, today)
        if _EXCEL_SCIENTIFIC.fullmatch(s):
            raise IdNumberError("excel_scientific", "id.excel_scientific")
        if m := _DECIMAL.fullmatch(s):
            digits, fraction = m.groups()
            if fraction == "0" and len(digits) in (15, 18):
                # A tool that wrote a text column as a float appended ".0"; if what precedes it is
                # a complete, valid number nothing was lost.
                try:
                    return _parse_digits(digits, today)
                except IdNumberError as exc:
                    if exc.code == "excel_truncated":
                        raise
            raise IdNumberError("excel_decimal", "id.excel_decimal")
    if bad := _first_bad_char(s):
        raise IdNumberError("chars", "id.chars", position=bad[0], char=bad[1])
    if len(s) == 15:  # 14 digits + X: the legacy form has no check character
        raise IdNumberError("chars", "id.chars", position=15, char="X")
    raise IdNumberError("length", "id.length", length=len(s))


def is_valid_id_number(raw: str) -> bool:
    """True if `raw` is an acceptable identity number (see parse_id_number)."""
    try:
        parse_id_number(raw)
    except IdNumberError:
        return False
    return True


def make_id_number(address_code: str, birth_date: date, seq: int) -> str:
    """A valid synthetic 18-character identity number (GB 11643-1999) for demo data and tests.

    `seq` 0–999; odd = male. The address code is checked for structure only.
    """
    code = validate_region_code(address_code)
    if not 0 <= seq <= 999:
        raise ValueError(f"sequence must be 0..999, got {seq}")
    if birth_date < _EARLIEST_BIRTH:
        raise ValueError(f"birth date must be from 1900 on, got {birth_date}")
    first17 = f"{code}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


# --------------------------------------------------------------------------- 行政区划代码


def _area_province_ok(code: str, *, allow_national: bool) -> bool:
    # Organisations registered at national level carry area 100000 in their credit code.
    return code[:2] in PROVINCE_CODES or (allow_national and code == "100000")


def validate_region_code(code: str, *, allow_national: bool = False) -> str:
    """Return the canonical 6-digit region code (GB/T 2260) or raise RegionCodeError.

    Structure only: six digits whose first two are a province-level code; codes of any era pass.
    `allow_national` also accepts 100000 (the whole country, used by national-level bodies).
    """
    s = _to_ascii_compact(code)
    if len(s) != 6 or not (s.isdigit() and s.isascii()):
        raise RegionCodeError("format", "region.format", value=s)
    if not _area_province_ok(s, allow_national=allow_national):
        raise RegionCodeError("province", "region.province", province=s[:2])
    return s


# --------------------------------------------------------------------------- 统一社会信用代码

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31
_USCC_FORBIDDEN = frozenset("IOZSV")
# 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (市场监管),
# A 中央军委改革和编制办公室, N 农业, Y 其他.
_USCC_REGISTERING_BODIES = frozenset("123456789ANY")


def normalize_credit_code(raw: str) -> str:
    """Strip whitespace, convert full-width characters to ASCII and uppercase (GB 32100-2015 uses
    uppercase letters only). No validation."""
    return _to_ascii_compact(raw).upper()


def _credit_check_char(first17: str) -> str:
    total = 0
    for ch, weight in zip(first17, _USCC_WEIGHTS, strict=True):
        total += _USCC_VALUE[ch] * weight
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def _check_credit_chars(s: str) -> None:
    for i, ch in enumerate(s):
        if ch not in _USCC_VALUE:
            key = "uscc.chars_forbidden" if ch in _USCC_FORBIDDEN else "uscc.chars"
            raise CreditCodeError("chars", key, position=i + 1, char=ch)


def validate_credit_code(raw: str) -> str:
    """Return the canonical unified social credit code or raise CreditCodeError (GB 32100-2015).

    18 characters of ``0123456789ABCDEFGHJKLMNPQRTUWXY``; position 1 (registering body) one of
    1–9, A, N, Y; position 2 (entity type) any character of the alphabet; positions 3–8 a GB/T 2260
    area code (structure only, any era; 100000 for national-level bodies); 9–17 the organisation
    code; 18 the check character: (31 − Σ(value·weight) mod 31) mod 31 with weights 3^i mod 31.
    """
    s = normalize_credit_code(raw)
    if not s:
        raise CreditCodeError("empty", "uscc.empty")
    if len(s) != 18:
        raise CreditCodeError("length", "uscc.length", length=len(s))
    _check_credit_chars(s)
    if s[0] not in _USCC_REGISTERING_BODIES:
        raise CreditCodeError("registering_body", "uscc.registering_body", char=s[0])
    area = s[2:8]
    if not area.isdigit():
        raise CreditCodeError("area", "uscc.area", value=area)
    if not _area_province_ok(area, allow_national=True):
        raise CreditCodeError("area", "uscc.area_province", province=area[:2])
    expected = _credit_check_char(s[:17])
    if s[17] != expected:
        raise CreditCodeError("checksum", "uscc.checksum", expected=expected)
    return s


def is_valid_credit_code(raw: str) -> bool:
    """True if `raw` is a valid unified social credit code (see validate_credit_code)."""
    try:
        validate_credit_code(raw)
    except CreditCodeError:
        return False
    return True


def make_credit_code(prefix17: str) -> str:
    """Append the GB 32100-2015 check character to 17 characters (for demo data and tests).

    The result is validated in full, so a bad prefix raises CreditCodeError.
    """
    s = normalize_credit_code(prefix17)
    if len(s) != 17:
        raise CreditCodeError("length", "uscc.length", length=len(s) + 1)
    _check_credit_chars(s)
    return validate_credit_code(s + _credit_check_char(s))


# --------------------------------------------------------------------------- 电话

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes: 010 and 020–029 have three digits, every other one four (numbering plan of China);
# local numbers have 7–8 digits and never start with 0.
_LANDLINE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))([1-9][0-9]{6,7})")
_PHONE_JUNK = str.maketrans("", "", "-()（）")


def normalize_phone(raw: str) -> str:
    """Return a mainland mobile number as 11 digits, or a landline as ``0874-1234567``.

    Mobile: ``1[3-9]`` + 9 digits, optionally after +86 / 0086 / 86. Landline: area code (010,
    02x, or 0 + three digits) and a 7–8 digit local number; separators, brackets and a +86 prefix
    (with the trunk 0 dropped) are allowed. Spaces, dashes and full-width digits are tolerated.
    Raises PhoneError with a Chinese message.
    """
    compact = _to_ascii_compact(raw)
    if not compact:
        raise PhoneError("empty", "phone.empty")
    s = compact.translate(_PHONE_JUNK)
    international = False
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            s, international = s[len(prefix) :], True
            break
    else:
        if len(s) == 13 and s.startswith("86"):
            s = s[2:]
    if _MOBILE.fullmatch(s):
        return s
    if international and not s.startswith("0"):
        s = "0" + s  # +86 874 1234567: the domestic trunk prefix 0 is dropped abroad
    if m := _LANDLINE.fullmatch(s):
        return f"{m[1]}-{m[2]}"
    raise PhoneError("invalid", "phone.invalid")


# --------------------------------------------------------------------------- masking


def mask_id_number(number: str) -> str:
    """Keep the first 4 and last 4 characters, star the rest: ``5303**********0011``.

    Anything 8 characters or shorter is starred entirely, so no more than 8 characters ever show.
    """
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """Mobile: first 3 and last 4 shown (``138****0011``); landline: area code and last 4
    (``0874-***4567``); anything else: first 3 and last 4 from 11 characters on, only the last 4
    from 8 on, nothing below 8. Never more than 9 characters (area, dash, last 4) show."""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    area, dash, local = phone.partition("-")
    if dash and 3 <= len(area) <= 4 and len(local) > 4:
        return f"{area}-" + "*" * (len(local) - 4) + local[-4:]
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) >= 8:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "*" * len(phone)


def mask_name(name: str) -> str:
    """Keep the first character (usually the surname), star the rest: 张三 → 张*, 欧阳小明 → 欧***;
    a single character becomes ``*``."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)
