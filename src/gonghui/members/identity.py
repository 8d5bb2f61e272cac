"""The worker's identity on the register: parsing and checking what was typed (ID number, phone,
name, coded person fields) and the encrypted / blind-indexed / masked columns stored for it.

Pure functions: no queries, no writes. Used by the actions, the selectors, the roster pipeline,
care, elections and the public pages; it imports no other module of this app except codes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import ids, pii
from gonghui.core.errors import ApplicationError
from gonghui.members import codes
from gonghui.members.codes import Table
from gonghui.orgs.models import Employer, Org

ID_CONTEXT = "id_number"
PHONE_CONTEXT = "phone"
MIN_AGE = 16  # 劳动法 art. 15: no employment below 16, so no union membership either

# field → code table it must come from
CODED_FIELDS: dict[str, str] = {
    "ethnicity": Table.ETHNICITY,
    "education": Table.EDUCATION,
    "political_status": Table.POLITICAL,
    "hukou_type": Table.HUKOU,
    "employment_status": Table.EMPLOYMENT,
    "new_employment_group": Table.NEW_EMPLOYMENT,
    "skill_level": Table.SKILL,
}
TEXT_FIELDS = ("job", "employer_name", "workplace")
PERSON_FIELDS = (*CODED_FIELDS, "job", "employer_name", "is_model_worker", "is_migrant")


def mask_org_name(name: str) -> str:
    """A union's name for someone outside its scope: 会泽县某某公司工会 → 会**工会."""
    if len(name) <= 3:
        return name[:1] + "**"
    return name[0] + "**" + name[-2:]


def parse_id(raw: str) -> ids.IdInfo:
    try:
        return ids.parse_id_number(raw or "")
    except ids.IdNumberError as e:
        raise ApplicationError(
            e.message, code="id_number", details={"field": "id_number", "error": e.code}
        ) from None


def parse_phone(raw: str, *, required: bool = False) -> str:
    if not (raw or "").strip():
        if required:
            raise ApplicationError(_("请填写手机号。"), code="phone", details={"field": "phone"})
        return ""
    try:
        return ids.normalize_phone(raw)
    except ids.PhoneError as e:
        raise ApplicationError(e.message, code="phone", details={"field": "phone"}) from None


def id_index(number: str) -> str:
    return pii.blind_index(number, context=ID_CONTEXT)


def phone_index(phone: str) -> str:
    return pii.blind_index(phone, context=PHONE_CONTEXT) if phone else ""


def pii_columns(info: ids.IdInfo, phone: str) -> dict[str, Any]:
    return {
        "id_cipher": pii.encrypt(info.number, context=ID_CONTEXT),
        "id_index": id_index(info.number),
        "id_masked": ids.mask_id_number(info.number),
        "gender": info.gender,
        "birth_date": info.birth_date,
        "birthplace_code": info.address_code,
        "phone_cipher": pii.encrypt(phone, context=PHONE_CONTEXT) if phone else "",
        "phone_index": phone_index(phone),
        "phone_masked": ids.mask_phone(phone) if phone else "",
    }


def clean_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the coded and free-text person fields; derive 农民工 from the hukou unless given."""
    out: dict[str, Any] = {}
    for field, table in CODED_FIELDS.items():
        value = (fields.get(field) or "").strip()
        if value and not codes.is_valid(table, value):
            raise ApplicationError(
                _("%(table)s代码“%(code)s”无效。") % {"table": codes.TABLE_LABELS[table], "code": value},
                code="code_value", details={"field": field},
            )  # fmt: skip
        out[field] = value
    for field in ("job", "employer_name"):
        out[field] = (fields.get(field) or "").strip()[: 120 if field == "employer_name" else 60]
    out["is_model_worker"] = bool(fields.get("is_model_worker"))
    migrant = fields.get("is_migrant")
    out["is_migrant"] = out["hukou_type"] == codes.HUKOU_AGRICULTURAL if migrant is None else bool(migrant)
    return out


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("请填写姓名。"), code="required", details={"field": "name"})
    if len(name) > 40:
        raise ApplicationError(_("姓名过长。"), code="name", details={"field": "name"})
    return name


def check_base_org(org: Org) -> None:
    if not org.is_base:
        raise ApplicationError(
            _("会员只能加入基层工会、联合基层工会或新就业形态工会，“%(name)s”是%(kind)s。") % {"name": org.name, "kind": org.get_kind_display()},
            code="org_kind", details={"field": "org"},
        )  # fmt: skip
    if not org.is_active:
        raise ApplicationError(
            _("“%(name)s”已撤销或合并。") % {"name": org.name}, code="org_inactive", details={"field": "org"}
        )


def is_under_age(birth: dt.date, on: dt.date | None = None) -> bool:
    on = on or timezone.localdate()
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)) < MIN_AGE


def check_age(birth: dt.date, on: dt.date) -> None:
    if is_under_age(birth, on):
        raise ApplicationError(
            _("申请人未满 16 周岁，不能入会。"), code="too_young", details={"field": "id_number"}
        )


def check_date(on: dt.date, field: str) -> dt.date:
    if on > timezone.localdate():
        raise ApplicationError(_("日期不能晚于今天。"), code="future_date", details={"field": field})
    return on


def employer_fields(employer: Employer | None, employer_name: str) -> dict[str, Any]:
    if employer is not None:
        return {"employer": employer, "employer_name": employer.name}
    return {"employer": None, "employer_name": employer_name}
