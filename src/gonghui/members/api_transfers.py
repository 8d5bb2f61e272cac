"""/api/v1/transfers (会员关系接转): the same actions the pages call; registered on members.api.router."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import Code, Id, Pagination, Str12, Str32, Str120, Str200
from gonghui.members import actions, scope, selectors
from gonghui.members.api import _employer, router
from gonghui.members.models import Transfer, TransferSide, TransferStatus
from gonghui.orgs.api import ERRORS


def _shown(obj: Transfer, context: Any) -> selectors.TransferShown:
    shown = getattr(obj, "_shown", None)
    if shown is None:
        shown = selectors.transfer_shown(obj, access.scope_path(context["request"].user))
        obj._shown = shown  # type: ignore[attr-defined]
    return shown


class TransferOut(Schema):
    """A person outside the caller's scope, named only by the ID number the caller typed, stays
    masked (empty name, union code and membership id) until their union accepts."""

    id: int
    person_name: str
    person_id_masked: str = Field(..., alias="person.id_masked")
    from_org: str
    to_org: str
    initiated_by: str
    status: str
    reason: str
    new_employer_name: str
    note: str
    decision_note: str
    started_at: dt.datetime
    decided_at: dt.datetime | None
    from_membership_id: int | None
    to_membership_id: int | None

    @staticmethod
    def resolve_person_name(obj: Transfer, context: Any) -> str:
        return _shown(obj, context).person_name

    @staticmethod
    def resolve_from_org(obj: Transfer, context: Any) -> str:
        return _shown(obj, context).from_org

    @staticmethod
    def resolve_to_org(obj: Transfer, context: Any) -> str:
        return _shown(obj, context).to_org

    @staticmethod
    def resolve_from_membership_id(obj: Transfer, context: Any) -> int | None:
        return _shown(obj, context).from_membership_id

    @staticmethod
    def resolve_to_membership_id(obj: Transfer, context: Any) -> int | None:
        return _shown(obj, context).to_membership_id


class TransferIn(Schema):
    to_org: Code = Field(..., description="转入基层工会组织代码")
    side: Literal["from", "to"] = Field(
        ..., description="发起方：from 转出方（需 membership_id）；to 转入方（需 id_number）"
    )
    membership_id: Id | None = None
    id_number: Str32 = ""
    new_employer_id: Id | None = None
    new_employer_name: Str120 = ""
    note: Str200 = ""


class TransferNoteIn(Schema):
    note: Str200 = ""


# --- transfers ----------------------------------------------------------------------------


@router.get("/transfers", response=list[TransferOut], tags=["transfers"], summary="会员接转（转出与转入）")
@paginate(Pagination)
def transfer_list(request: HttpRequest, status: Str12 = "pending") -> Any:
    qs = scope.scoped_transfers(request.user).select_related("person", "from_org", "to_org")
    if status in TransferStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-started_at", "-id")


def _transfer(t: Transfer) -> Transfer:
    return Transfer.objects.select_related("person", "from_org", "to_org").get(pk=t.pk)


@router.post(
    "/transfers",
    response={201: TransferOut, **ERRORS},
    tags=["transfers"],
    summary="发起接转（转出方或转入方）",
)
def transfer_start(request: HttpRequest, payload: TransferIn) -> Any:
    if payload.side == TransferSide.FROM:
        if not payload.membership_id:
            raise ApplicationError(
                "转出方发起须提供 membership_id。", code="required", details={"field": "membership_id"}
            )
        m = scope.get_membership(request.user, payload.membership_id, Perm.MEMBER_WRITE)
        to_org = _any_base_org(request, payload.to_org)
        t = actions.transfer_start(user=request.user, membership=m, to_org=to_org, side=TransferSide.FROM,
                                   new_employer_name=payload.new_employer_name, note=payload.note)  # fmt: skip
    else:
        to_org = scope.get_base_org(request.user, payload.to_org, Perm.MEMBER_WRITE)
        t = actions.transfer_start_by_id_number(user=request.user, to_org=to_org, id_number=payload.id_number,
                                                new_employer=_employer(request, payload.new_employer_id),
                                                new_employer_name=payload.new_employer_name, note=payload.note)  # fmt: skip
    return 201, _transfer(t)


def _any_base_org(request: HttpRequest, code: str) -> Any:
    """A receiving union for a transfer out: any active base union of the user's federation."""
    root = selectors.top_federation(access.acting_org(request))
    org = selectors.base_unions(root).filter(code=code).first()
    if org is None:
        raise ApplicationError(
            "转入工会不存在或不是基层工会。", code="to_org", details={"field": "to_org"}, status=404
        )
    return org


def _answer(request: HttpRequest, transfer_id: int, verb: str, note: str) -> Transfer:
    t = scope.get_transfer_to_answer(request.user, transfer_id, verb)
    return actions.transfer_answer(user=request.user, transfer=t, verb=verb, note=note)


@router.post(
    "/transfers/{transfer_id}/accept",
    response={200: TransferOut, **ERRORS},
    tags=["transfers"],
    summary="确认接转（由未发起的一方）",
)
def transfer_accept(request: HttpRequest, transfer_id: Id, payload: TransferNoteIn) -> Any:
    return _answer(request, transfer_id, "accept", payload.note)


@router.post(
    "/transfers/{transfer_id}/reject",
    response={200: TransferOut, **ERRORS},
    tags=["transfers"],
    summary="拒绝接转（附原因）",
)
def transfer_reject(request: HttpRequest, transfer_id: Id, payload: TransferNoteIn) -> Any:
    return _answer(request, transfer_id, "reject", payload.note)


@router.post(
    "/transfers/{transfer_id}/cancel",
    response={200: TransferOut, **ERRORS},
    tags=["transfers"],
    summary="撤回接转（由发起方）",
)
def transfer_cancel(request: HttpRequest, transfer_id: Id, payload: TransferNoteIn) -> Any:
    return _answer(request, transfer_id, "cancel", payload.note)
