"""Small checks shared by the worklife actions (messages in Chinese, each naming its field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import Employer, Org, OrgStatus

FIRST_YEAR = 1950
MAX_COUNT = 10_000_000


def user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def scope_of(org: Org) -> dict[str, Any]:
    return {"org": org, "org_path": org.path, "province_code": org.province_code}


def text(value: str | None, limit: int, field: str = "", *, required: str = "") -> str:
    out = " ".join((value or "").split())[:limit]
    if required and not out:
        raise ApplicationError(
            _("请填写%(f)s。") % {"f": required}, code="required", details={"field": field}
        )
    return out


def long_text(value: str | None, limit: int = 4000) -> str:
    return (value or "").strip()[:limit]


def day(
    on: dt.date | None, field: str, label: str, *, past: bool = True, required: bool = True
) -> dt.date | None:
    if on is None:
        if required:
            raise ApplicationError(
                _("请填写%(f)s。") % {"f": label}, code="required", details={"field": field}
            )
        return None
    if past and on > timezone.localdate():
        raise ApplicationError(
            _("%(f)s不能晚于今天。") % {"f": label}, code="future_date", details={"field": field}
        )
    if on.year < FIRST_YEAR or on.year > 2200:
        raise ApplicationError(_("%(f)s无效。") % {"f": label}, code="date", details={"field": field})
    return on


def must_day(on: dt.date | None, field: str, label: str, *, past: bool = True) -> dt.date:
    out = day(on, field, label, past=past)
    assert out is not None  # required: day() raised otherwise
    return out


def count(value: Any, field: str, label: str, *, minimum: int = 0) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(
            _("%(f)s应为整数。") % {"f": label}, code="number", details={"field": field}
        ) from None
    if n < minimum or n > MAX_COUNT:
        raise ApplicationError(
            _("%(f)s应不少于 %(m)d。") % {"f": label, "m": minimum}
            if n < minimum
            else _("%(f)s过大。") % {"f": label},
            code="number",
            details={"field": field},
        )
    return n


def choice(value: str, choices: type[TextChoices], field: str, label: str) -> str:
    if value not in choices.values:
        raise ApplicationError(
            _("%(label)s“%(v)s”无效。") % {"label": label, "v": str(value)[:20]},
            code="choice",
            details={"field": field},
        )
    return value


def active_org(org: Org) -> Org:
    if org.status != OrgStatus.ACTIVE:
        raise ApplicationError(
            _("“%(n)s”已撤销或合并，不能再登记。") % {"n": org.name},
            code="org_inactive",
            details={"field": "org"},
        )
    return org


def employers_under(org: Org, employers: Iterable[Employer], *, field: str = "employers") -> list[Employer]:
    """The employers, each of which must sit in the union's area or be covered by a union in its
    subtree (a township's 区域性 contract covers employers of its area)."""
    out: list[Employer] = []
    for e in employers:
        union_path = e.union.path if e.union_id and e.union is not None else ""
        if not (e.area_path.startswith(org.path) or union_path.startswith(org.path)):
            raise ApplicationError(
                _("单位“%(e)s”不在“%(o)s”的范围内。") % {"e": e.name, "o": org.name},
                code="employer_scope",
                details={"field": field},
            )
        if e not in out:
            out.append(e)
    return out
