"""/api/v1/worklife/…: workers' congresses, proposals, 厂务公开, collective contracts and coverage
(here); activities, their import and union groups (api_activities.py). The same actions the pages
call, through the same gatekeeper: read with Perm.VIEW, written with Perm.UNION_WORK; every id a
request carries (path, body, query) is looked up inside the caller's scope (404 outside it)."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import (
    ERRORS,
    Code,
    Id,
    IdList,
    Pagination,
    SmallUInt,
    Str80,
    Str120,
    Str200,
    Text4000,
    UInt,
    Year,
)
from gonghui.orgs.models import Employer
from gonghui.worklife import actions_congress as congress
from gonghui.worklife import actions_contracts as contracts
from gonghui.worklife import selectors
from gonghui.worklife.models import (
    CollectiveContract,
    CongressSession,
)

router = Router(tags=["工会工作"])

# --------------------------------------------------------------------------- helpers


def employers_in_scope(request: HttpRequest, ids: list[int]) -> list[Employer]:
    """Each employer id through the gatekeeper (404 for one out of scope)."""
    return [access.get_employer(request.user, pk, Perm.UNION_WORK) for pk in dict.fromkeys(ids)]


# --------------------------------------------------------------------------- congress


class SessionIn(Schema):
    org: Code
    kind: Literal["employer", "area", "industry"] = "employer"
    term_no: SmallUInt
    session_no: SmallUInt
    held_on: dt.date
    employees: UInt = 0
    delegates: UInt
    frontline_delegates: UInt = 0
    women_delegates: UInt = 0
    attended: UInt = 0
    employer_ids: IdList = []
    agenda: list[Str200] = Field([], max_length=100)
    note: Text4000 = ""


class AgendaOut(Schema):
    seq: int
    title: str
    result: str


class ProposalOut(Schema):
    id: int
    session_id: int
    number: int
    author: str
    subject: str
    content: str
    handling: str
    status: str
    answer: str
    answered_on: dt.date | None
    closed_on: dt.date | None


class SessionOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    kind: str
    term_no: int
    session_no: int
    held_on: dt.date
    employees: int
    delegates: int
    frontline_delegates: int
    women_delegates: int
    attended: int
    note: str
    employer_ids: list[int]

    @staticmethod
    def resolve_employer_ids(obj: CongressSession) -> list[int]:
        return sorted(c.employer_id for c in obj.covered.all())


class SessionDetailOut(SessionOut):
    agenda: list[AgendaOut]
    proposals: list[ProposalOut]
    advice: list[str]

    @staticmethod
    def resolve_agenda(obj: CongressSession) -> list[Any]:
        return list(obj.agenda.all())

    @staticmethod
    def resolve_proposals(obj: CongressSession) -> list[Any]:
        return list(obj.proposals.all())

    @staticmethod
    def resolve_advice(obj: CongressSession) -> list[str]:
        return selectors.session_shares(obj)


class ProposalIn(Schema):
    author: Str80
    subject: Str200
    content: Text4000 = ""
    handling: Str200 = ""


class ProposalHandleIn(Schema):
    handling: Str200 = ""
    answer: Text4000 = ""
    answered_on: dt.date | None = None
    close: bool = False
    closed_on: dt.date | None = None


class DisclosureIn(Schema):
    org: Code
    subject: Str200
    disclosed_on: dt.date
    form: Literal["congress", "board", "meeting", "online", "other"] = "board"
    content: Text4000 = ""
    employer_id: Id | None = None
    session_id: Id | None = None


class DisclosureOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    employer_id: int | None
    session_id: int | None
    disclosed_on: dt.date
    subject: str
    form: str
    content: str


class CongressMissingOut(Schema):
    id: int
    name: str
    union: str | None = Field(None, alias="union.code")
    employees: int


@router.get("/worklife/congress", response=list[SessionOut], summary="职代会会议")
@paginate(Pagination)
def session_list(request: HttpRequest, under: Code | None = None, year: Year | None = None) -> Any:
    qs = selectors.under(selectors.sessions(request.user), request.user, under).prefetch_related("covered")
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.order_by("-held_on", "-id")


@router.post("/worklife/congress", response={201: SessionDetailOut, **ERRORS}, summary="登记职代会会议")
def session_create(request: HttpRequest, payload: SessionIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.UNION_WORK)
    employers = employers_in_scope(request, payload.employer_ids)
    data = payload.dict(exclude={"org", "employer_ids", "agenda"})
    s = congress.session_record(
        user=request.user, org=org, employers=employers, agenda=payload.agenda, **data
    )
    return 201, s


@router.get(
    "/worklife/congress/missing", response=list[CongressMissingOut], summary="本年度尚未召开职代会的建会单位"
)
@paginate(Pagination)
def session_missing(request: HttpRequest, under: Code | None = None, year: Year | None = None) -> Any:
    return selectors.employers_without_congress(request.user, year or timezone.localdate().year, under or "")


@router.get(
    "/worklife/congress/{session_id}", response={200: SessionDetailOut, **ERRORS}, summary="职代会会议详情"
)
def session_detail(request: HttpRequest, session_id: Id) -> Any:
    return access.get_scoped(selectors.sessions(request.user), request.user, session_id)


@router.post(
    "/worklife/congress/{session_id}/proposals", response={201: ProposalOut, **ERRORS}, summary="登记提案"
)
def proposal_create(request: HttpRequest, session_id: Id, payload: ProposalIn) -> Any:
    s = access.get_scoped(selectors.sessions(request.user), request.user, session_id, perm=Perm.UNION_WORK)
    return 201, congress.proposal_add(user=request.user, session=s, **payload.dict())


@router.get("/worklife/proposals", response=list[ProposalOut], summary="提案")
@paginate(Pagination)
def proposal_list(
    request: HttpRequest, under: Code | None = None, status: Literal["registered", "handling", "answered", "closed"] | None = None
) -> Any:  # fmt: skip
    qs = selectors.under(selectors.proposals(request.user), request.user, under, "session__org_path")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-session__held_on", "session_id", "number")


@router.post(
    "/worklife/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="办理、答复、办结提案"
)
def proposal_handle(request: HttpRequest, proposal_id: Id, payload: ProposalHandleIn) -> Any:
    p = access.get_scoped(selectors.proposals(request.user), request.user, proposal_id, perm=Perm.UNION_WORK,
                          path_field="session__org_path")  # fmt: skip
    return congress.proposal_handle(user=request.user, proposal=p, **payload.dict())


@router.get("/worklife/disclosures", response=list[DisclosureOut], summary="厂务公开")
@paginate(Pagination)
def disclosure_list(request: HttpRequest, under: Code | None = None) -> Any:
    return selectors.under(selectors.disclosures(request.user), request.user, under).order_by(
        "-disclosed_on", "-id"
    )


@router.post("/worklife/disclosures", response={201: DisclosureOut, **ERRORS}, summary="登记厂务公开")
def disclosure_create(request: HttpRequest, payload: DisclosureIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.UNION_WORK)
    employer = (
        access.get_employer(request.user, payload.employer_id, Perm.UNION_WORK)
        if payload.employer_id
        else None
    )
    session = (
        access.get_scoped(
            selectors.sessions(request.user), request.user, payload.session_id, perm=Perm.UNION_WORK
        )
        if payload.session_id
        else None
    )
    data = payload.dict(exclude={"org", "employer_id", "session_id"})
    return 201, congress.disclosure_add(
        user=request.user, org=org, employer=employer, session=session, **data
    )


# --------------------------------------------------------------------------- contracts

State = Literal["in_force", "renewal_due", "expired", "pending_submit", "in_review", "negotiating"]


class ContractIn(Schema):
    org: Code
    title: Str200
    scope: Literal["single", "area", "industry"] = "single"
    category: Literal["general", "wage", "women", "safety"] = "general"
    employer_ids: IdList = Field(..., min_length=1)
    employees_covered: UInt | None = None
    employer_side: Str120 = ""
    signed_on: dt.date | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    note: Text4000 = ""


class RoundIn(Schema):
    held_on: dt.date
    topics: Str200 = ""
    outcome: Str200 = ""


class SignIn(Schema):
    signed_on: dt.date
    end_on: dt.date
    start_on: dt.date | None = None


class SubmitIn(Schema):
    submitted_on: dt.date
    labour_bureau: Str120 = ""


class AnswerIn(Schema):
    answer: Literal["approved", "objection"]
    answered_on: dt.date
    note: Str200 = ""


class TerminateIn(Schema):
    terminated_on: dt.date
    reason: Str200


class ContractRoundOut(Schema):
    round_no: int
    held_on: dt.date
    topics: str
    outcome: str


class ContractOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    title: str
    scope: str
    category: str
    status: str
    state: str
    state_label: str
    employer_ids: list[int]
    employees_covered: int
    employer_side: str
    signed_on: dt.date | None
    start_on: dt.date | None
    end_on: dt.date | None
    submit_due: dt.date | None
    submitted_on: dt.date | None
    review_due: dt.date | None
    review_answer: str
    answered_on: dt.date | None
    effective_on: dt.date | None
    renewal_due: dt.date | None
    renews_id: int | None
    rounds: list[ContractRoundOut]

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(obj.state.code)

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.state.label)

    @staticmethod
    def resolve_employer_ids(obj: CollectiveContract) -> list[int]:
        return sorted(c.employer_id for c in obj.covered.all())

    @staticmethod
    def resolve_rounds(obj: CollectiveContract) -> list[Any]:
        return list(obj.rounds.all())


class CoverageOut(Schema):
    employers: int
    employers_covered: int
    employees: int
    employees_covered: int
    employer_rate: float | None
    coverage_rate: float | None
    contracts_in_force: int


def _contract_out(c: CollectiveContract) -> CollectiveContract:
    return selectors.with_state([c])[0]  # type: ignore[no-any-return]


class _StatePage:
    """A queryset whose slices come with each contract's state on today (for the paginator)."""

    def __init__(self, qs: Any):
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, s: slice) -> list[Any]:
        return selectors.with_state(self.qs[s])


@router.get("/worklife/contracts", response=list[ContractOut], summary="集体合同")
@paginate(Pagination)
def contract_list(
    request: HttpRequest, under: Code | None = None, state: State | None = None,
    category: Literal["general", "wage", "women", "safety"] | None = None,
) -> Any:  # fmt: skip
    qs = selectors.under(selectors.contracts(request.user), request.user, under)
    if state:
        qs = selectors.contract_filter(qs, state, timezone.localdate())
    if category:
        qs = qs.filter(category=category)
    return _StatePage(qs.prefetch_related("covered", "rounds").order_by("end_on", "-id"))


@router.post("/worklife/contracts", response={201: ContractOut, **ERRORS}, summary="登记集体合同")
def contract_create(request: HttpRequest, payload: ContractIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.UNION_WORK)
    employers = employers_in_scope(request, payload.employer_ids)
    c = contracts.contract_create(user=request.user, org=org, employers=employers,
                                  **payload.dict(exclude={"org", "employer_ids"}))  # fmt: skip
    return 201, _contract_out(c)


@router.get("/worklife/coverage", response={200: CoverageOut, **ERRORS}, summary="集体合同覆盖情况")
def coverage(request: HttpRequest, under: Code | None = None) -> Any:
    path = access.get_org(request.user, under).path if under else access.scope_path(request.user)
    access.require(request.user, Perm.VIEW)
    return selectors.coverage(path)


def _get(request: HttpRequest, contract_id: int, perm: Perm = Perm.VIEW) -> CollectiveContract:
    return access.get_scoped(selectors.contracts(request.user), request.user, contract_id, perm=perm)


@router.get(
    "/worklife/contracts/{contract_id}", response={200: ContractOut, **ERRORS}, summary="集体合同详情"
)
def contract_detail(request: HttpRequest, contract_id: Id) -> Any:
    return _contract_out(_get(request, contract_id))


@router.post(
    "/worklife/contracts/{contract_id}/rounds",
    response={201: ContractRoundOut, **ERRORS},
    summary="登记协商轮次",
)
def contract_round(request: HttpRequest, contract_id: Id, payload: RoundIn) -> Any:
    c = _get(request, contract_id, Perm.UNION_WORK)
    return 201, contracts.round_add(user=request.user, contract=c, **payload.dict())


@router.post("/worklife/contracts/{contract_id}/sign", response={200: ContractOut, **ERRORS}, summary="签订")
def contract_sign(request: HttpRequest, contract_id: Id, payload: SignIn) -> Any:
    c = _get(request, contract_id, Perm.UNION_WORK)
    return _contract_out(contracts.contract_sign(user=request.user, contract=c, **payload.dict()))


@router.post(
    "/worklife/contracts/{contract_id}/submit", response={200: ContractOut, **ERRORS}, summary="报送审查"
)
def contract_submit(request: HttpRequest, contract_id: Id, payload: SubmitIn) -> Any:
    c = _get(request, contract_id, Perm.UNION_WORK)
    return _contract_out(contracts.contract_submit(user=request.user, contract=c, **payload.dict()))


@router.post(
    "/worklife/contracts/{contract_id}/answer", response={200: ContractOut, **ERRORS}, summary="登记审查意见"
)
def contract_answer(request: HttpRequest, contract_id: Id, payload: AnswerIn) -> Any:
    c = _get(request, contract_id, Perm.UNION_WORK)
    return _contract_out(contracts.contract_answer(user=request.user, contract=c, **payload.dict()))


@router.post("/worklife/contracts/{contract_id}/renew", response={201: ContractOut, **ERRORS}, summary="续订")
def contract_renew(request: HttpRequest, contract_id: Id, payload: SignIn) -> Any:
    c = _get(request, contract_id, Perm.UNION_WORK)
    return 201, _contract_out(contracts.contract_renew(user=request.user, contract=c, **payload.dict()))


@router.post(
    "/worklife/contracts/{contract_id}/terminate", response={200: ContractOut, **ERRORS}, summary="终止"
)
def contract_terminate(request: HttpRequest, contract_id: Id, payload: TerminateIn) -> Any:
    c = _get(request, contract_id, Perm.UNION_WORK)
    return _contract_out(contracts.contract_terminate(user=request.user, contract=c, **payload.dict()))


# these register their routes on `router` (the idle unions' and reminders' here rather than in
# WorklifeConfig.ready, so commands that never serve the API do not build their schemas: issue 19)
from gonghui.worklife import api_activities, api_idle  # noqa: E402,F401
