"""Helpers the register's pages share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.members import selectors
from gonghui.orgs.models import BASE_KINDS, Employer, Org, OrgStatus

PAGE_SIZES = (10, 20, 50, 100)


def _per_page(request: HttpRequest, default: int = 50) -> int:
    raw = request.GET.get("per") or ""
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else default


def _base_orgs(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[Org]:
    access.require(user, perm)
    return access.scoped_orgs(user).filter(kind__in=BASE_KINDS, status=OrgStatus.ACTIVE).order_by("path")


def _federation(org: Org) -> str:
    return selectors.top_federation(org).name


def _set_labels(rows: Iterable[Any], **fields: Iterable[tuple[str, Any]]) -> None:
    """`row.<field>_label` for each coded field, from one dict per field: `get_FOO_display`
    rebuilds its choices dict, translating every label, on each call (issue 19: a list page of 50
    rows spent a third of its rendering there)."""
    rows = list(rows)
    for name, choices in fields.items():
        labels = {k: str(v) for k, v in choices}
        for r in rows:
            value = getattr(r, name)
            setattr(r, f"{name}_label", labels.get(value, value))


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in pairs]


IDP_HEADER = "X-Idp"


def _employers_of(org: Org | None) -> list[Employer]:
    return list(org.employers.order_by("name")[:500]) if org is not None else []


def _transfer_targets(user: Any) -> QuerySet[Org]:
    """Receiving unions for a transfer out: any active base union of the same federation. Names
    and codes of unions are not personal data; the transfer itself shows nothing more."""
    root = selectors.top_federation(user.org)
    return selectors.base_unions(root)
