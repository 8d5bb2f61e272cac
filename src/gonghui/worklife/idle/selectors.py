"""Reads of the idle list and follow-ups, through the gatekeeper: a fixed number of queries
whatever the subtree's size (the scores are stored rows, counters.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.orgs.models import Org
from gonghui.worklife.models_idle import IdleFollowUp, UnionLife

SORTS = {"size": ("-members", "score", "org_path"), "score": ("score", "-members", "org_path")}


def idle_under(org: Org, *, sort: str = "size") -> QuerySet[UnionLife]:
    """Idle grassroots unions of the subtree: the largest first (`size`), or the idlest (`score`)."""
    return (
        UnionLife.objects.filter(org_path__startswith=org.path, scored=True, idle=True)
        .select_related("org")
        .order_by(*SORTS.get(sort, SORTS["size"]))
    )


def open_followups(rows: list[UnionLife]) -> dict[int, IdleFollowUp]:
    """The open follow-up of each union on a page (one query)."""
    out: dict[int, IdleFollowUp] = {}
    for f in IdleFollowUp.objects.filter(org__in=[r.org_id for r in rows], closed_on__isnull=True).order_by(
        "due_on"
    ):
        out.setdefault(f.org_id, f)
    return out


def followups(user: Any) -> QuerySet[IdleFollowUp]:
    return access.scoped(IdleFollowUp.objects.select_related("org", "created_by", "closed_by"), user)


def can_follow_up(user: Any, path: str) -> bool:
    """The upper union's staff (UNION_WORK, the union's parent in their scope) ask and close;
    a union never follows itself up."""
    parent = path[: -Org.steplen]
    return access.has_perm(user, Perm.UNION_WORK) and bool(parent) and access.in_scope(user, parent)


def require_follow_up(user: Any, path: str) -> None:
    access.require(user, Perm.UNION_WORK, path=path)  # out of scope: 404
    if not can_follow_up(user, path):
        raise PermissionDenied


def get_followup(user: Any, pk: int, *, to_close: bool = False) -> IdleFollowUp:
    f = access.get_scoped(IdleFollowUp.objects.select_related("org"), user, pk)
    if to_close:
        require_follow_up(user, f.org_path)
    return f


def row_out(r: UnionLife) -> dict[str, Any]:
    """The command line's shape: {org: {code, name}, score, reasons}."""
    return {"org": {"code": r.org.code, "name": r.org.name}, "score": r.score, "reasons": list(r.reasons)}
