"""/api/v1/finance/… routes: dues, union funds, ledger and figures, through the gatekeeper.

Every route needs Perm.FINANCE (财务 and admins): the router's authentication refuses any other
role with 403 before a body is read, so a clerk or viewer never sees an amount. Org codes and ids
resolve inside the caller's scope (out of scope answers 404 like a missing object). Amounts are
integers in fen."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer

from gonghui.accounts.actions import token_authenticate
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import NO_NUL, Code, Id, Pagination, Str200, Year
from gonghui.finance import actions_dues, actions_funds, ledger, selectors
from gonghui.finance.models import DuesAccount, Exemption, LedgerEntry
from gonghui.members.models import Membership

Str8 = Annotated[str, Field(max_length=8, pattern=NO_NUL)]


class FinanceAuth(HttpBearer):
    """The API's bearer token, and then the role: money is for Perm.FINANCE only (403 otherwise)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        if not access.has_perm(user, Perm.FINANCE):
            raise PermissionDenied
        return user


router = Router(tags=["会费与经费"], auth=FinanceAuth())


def _org(request: HttpRequest, code: str) -> Any:
    return access.get_org(access.acting_user(request), code, Perm.FINANCE)


def _member(request: HttpRequest, pk: int) -> Membership:
    qs = Membership.objects.select_related("person", "org")
    return access.get_scoped(qs, access.acting_user(request), pk, perm=Perm.FINANCE)


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


# --------------------------------------------------------------------------- schemas


class DuesSection(Schema):
    members_paying: int
    collected_this_year: int
    in_arrears_6m: int


class FundsSection(Schema):
    due_this_year: int
    paid_this_year: int
    collection_rate: float | None
    employers_in_arrears: int


class StatsOut(Schema):
    dues: DuesSection
    funds: FundsSection


class MemberDuesOut(Schema):
    member_id: int
    member_no: str
    name: str
    wage_fen: int
    amount_fen: int
    exemption: str
    last_paid: dt.date | None
    in_arrears: bool


class WageIn(Schema):
    member_id: Id
    wage_fen: int | None = Field(None, ge=0, le=10**9, description="月工资（分）；null 用工会默认值")
    exemption: Exemption = Exemption.NONE


class PaymentIn(Schema):
    member_id: Id
    month: dt.date = Field(..., description="所属月份（任一日期，按月计）")
    paid_on: dt.date
    amount_fen: int | None = Field(None, ge=1, le=10**9, description="不填按规则计算")


class PaymentOut(Schema):
    id: int
    member_id: int
    month: dt.date
    amount_fen: int
    receipt_no: str


class BulkIn(Schema):
    month: dt.date
    paid_on: dt.date


class BulkOut(Schema):
    id: int
    month: dt.date
    members: int
    amount_fen: int
    receipt_no: str


class AsOfIn(Schema):
    as_of: dt.date


class CheckOut(Schema):
    flagged: int
    cleared: int


class ArrearsOut(Schema):
    member_id: int
    member_no: str
    name: str
    org: str
    months_unpaid: int
    last_paid: dt.date | None
    educated_on: dt.date | None


class ArrearsReviewIn(Schema):
    member_id: Id
    on: dt.date
    note: Str200 = ""


class ArrearsReviewOut(Schema):
    member_id: int
    status: str


class EmployerFundsOut(Schema):
    employer_id: int
    name: str
    union: str
    due_fen: int
    paid_fen: int
    balance_fen: int
    oldest_unpaid: dt.date | None
    age_days: int
    is_prep: bool


class DeclarationIn(Schema):
    employer_id: Id
    period: dt.date = Field(..., description="所属期（按设置为月或季）")
    payroll_fen: int = Field(..., ge=1, le=10**15, description="工资总额（分）")


class DeclarationOut(Schema):
    id: int
    period_start: dt.date
    payroll_fen: int
    due_fen: int
    is_prep: bool


class FundsPaymentIn(Schema):
    employer_id: Id
    paid_on: dt.date
    amount_fen: int = Field(..., ge=1, le=10**15)
    collector: Str8 = Field("", description="employer 或 tax；不填按设置")


class ShareOut(Schema):
    level: str
    org: str
    amount_fen: int


class FundsPaymentOut(Schema):
    id: int
    receipt_no: str
    amount_fen: int
    shares: list[ShareOut]


class CollectionOut(Schema):
    org: str
    name: str
    due_fen: int
    paid_fen: int
    rate: float | None
    employers_in_arrears: int
    collected_fen: int
    members_paying: int


class LedgerIn(Schema):
    on: dt.date
    head: Str8 = Field(..., description="科目编码（见 /finance/heads）")
    amount_fen: int = Field(..., ge=1, le=10**15)
    note: Str200 = ""


class LedgerOut(Schema):
    id: int
    on: dt.date
    head: str
    head_name: str
    direction: str
    amount_fen: int
    note: str
    source: str


class HeadOut(Schema):
    code: str
    name: str
    direction: str


class StatementLine(Schema):
    head: str
    name: str
    amount_fen: int


class StatementOut(Schema):
    org: str
    year: int
    income: list[StatementLine]
    spending: list[StatementLine]
    income_total: int
    spending_total: int
    balance: int


# --------------------------------------------------------------------------- routes


@router.get("/finance/heads", response=list[HeadOut])
def heads(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": c, "name": n, "direction": d} for c, (n, d) in ledger.HEADS.items()]


@router.get("/finance/{code}/stats", response=StatsOut)
def stats(request: HttpRequest, code: Code, year: Year | None = None) -> dict[str, Any]:
    return selectors.stats(_org(request, code), _year(year))


@router.get("/finance/{code}/dues", response=list[MemberDuesOut])
@paginate(Pagination)
def dues_list(request: HttpRequest, code: Code) -> list[dict[str, Any]]:
    org = _org(request, code)
    return [
        {"member_id": r.membership.pk, "member_no": r.membership.member_no, "name": r.membership.person.name,
         "wage_fen": r.wage_fen, "amount_fen": r.amount_fen, "exemption": r.exemption,
         "last_paid": r.account.last_paid if r.account else None, "in_arrears": bool(r.account and r.account.in_arrears)}
        for r in selectors.dues_members(org)
    ]  # fmt: skip


@router.post("/finance/dues/wage", response=MemberDuesOut)
def wage_set(request: HttpRequest, payload: WageIn) -> dict[str, Any]:
    m = _member(request, payload.member_id)
    acc = actions_dues.dues_wage_set(
        user=request.user, membership=m, wage_fen=payload.wage_fen, exemption=payload.exemption
    )
    row = next(r for r in selectors.dues_members(m.org) if r.membership.pk == m.pk)
    return {"member_id": m.pk, "member_no": m.member_no, "name": m.person.name, "wage_fen": row.wage_fen,
            "amount_fen": row.amount_fen, "exemption": row.exemption, "last_paid": acc.last_paid, "in_arrears": acc.in_arrears}  # fmt: skip


@router.post("/finance/dues/payments", response={201: PaymentOut})
def dues_pay(request: HttpRequest, payload: PaymentIn) -> tuple[int, dict[str, Any]]:
    m = _member(request, payload.member_id)
    p = actions_dues.dues_pay(user=request.user, membership=m, month=payload.month, paid_on=payload.paid_on,
                              amount_fen=payload.amount_fen)  # fmt: skip
    return 201, {
        "id": p.pk,
        "member_id": m.pk,
        "month": p.month,
        "amount_fen": p.amount_fen,
        "receipt_no": p.receipt_no,
    }


@router.post("/finance/{code}/dues/bulk", response={201: BulkOut})
def dues_bulk(request: HttpRequest, code: Code, payload: BulkIn) -> tuple[int, Any]:
    b = actions_dues.dues_pay_bulk(
        user=request.user, org=_org(request, code), month=payload.month, paid_on=payload.paid_on
    )
    return 201, b


@router.post("/finance/{code}/dues/arrears-check", response=CheckOut)
def arrears_check(request: HttpRequest, code: Code, payload: AsOfIn) -> dict[str, int]:
    return actions_dues.dues_arrears_refresh(user=request.user, as_of=payload.as_of, org=_org(request, code))


@router.get("/finance/{code}/arrears", response=list[ArrearsOut])
@paginate(Pagination)
def arrears(request: HttpRequest, code: Code) -> list[dict[str, Any]]:
    org = _org(request, code)
    accs: list[DuesAccount] = list(selectors.arrears_list(org.path)[:5000])
    reviews = selectors.open_reviews([a.membership_id for a in accs])
    return [
        {"member_id": a.membership_id, "member_no": a.membership.member_no, "name": a.membership.person.name,
         "org": a.org.code, "months_unpaid": a.arrears_months, "last_paid": a.last_paid,
         "educated_on": reviews[a.membership_id].educated_on if a.membership_id in reviews else None}
        for a in accs
    ]  # fmt: skip


@router.post("/finance/dues/educate", response={201: ArrearsReviewOut})
def educate(request: HttpRequest, payload: ArrearsReviewIn) -> tuple[int, dict[str, Any]]:
    m = _member(request, payload.member_id)
    actions_dues.dues_review_educate(user=request.user, membership=m, on=payload.on, note=payload.note)
    return 201, {"member_id": m.pk, "status": "educated"}


@router.post("/finance/dues/lapse", response=ArrearsReviewOut)
def lapse(request: HttpRequest, payload: ArrearsReviewIn) -> dict[str, Any]:
    m = _member(request, payload.member_id)
    m = actions_dues.dues_review_end(user=request.user, membership=m, on=payload.on, note=payload.note)
    return {"member_id": m.pk, "status": m.status}


@router.get("/finance/{code}/funds", response=list[EmployerFundsOut])
@paginate(Pagination)
def funds(request: HttpRequest, code: Code, arrears_only: bool = False) -> list[dict[str, Any]]:
    org = _org(request, code)
    return [
        {"employer_id": e.employer.pk, "name": e.employer.name, "union": e.home, "due_fen": e.due_fen, "paid_fen": e.paid_fen,
         "balance_fen": e.balance_fen, "oldest_unpaid": e.oldest_unpaid, "age_days": e.age_days, "is_prep": e.is_prep}
        for e in selectors.employer_funds(org.path, as_of=timezone.localdate(), only_arrears=arrears_only)
    ]  # fmt: skip


@router.post("/finance/funds/declarations", response={201: DeclarationOut})
def declare(request: HttpRequest, payload: DeclarationIn) -> tuple[int, Any]:
    employer = access.get_employer(access.acting_user(request), payload.employer_id, Perm.FINANCE)
    return 201, actions_funds.funds_declare(user=request.user, employer=employer, period=payload.period,
                                            payroll_fen=payload.payroll_fen)  # fmt: skip


@router.post("/finance/funds/payments", response={201: FundsPaymentOut})
def funds_pay(request: HttpRequest, payload: FundsPaymentIn) -> tuple[int, dict[str, Any]]:
    employer = access.get_employer(access.acting_user(request), payload.employer_id, Perm.FINANCE)
    p = actions_funds.funds_pay(user=request.user, employer=employer, paid_on=payload.paid_on,
                                amount_fen=payload.amount_fen, collector=payload.collector)  # fmt: skip
    shares = [
        {"level": s.level, "org": s.org.code, "amount_fen": s.amount_fen}
        for s in p.shares.select_related("org")
    ]
    return 201, {"id": p.pk, "receipt_no": p.receipt_no, "amount_fen": p.amount_fen, "shares": shares}


@router.get("/finance/{code}/collection", response=list[CollectionOut])
def collection(request: HttpRequest, code: Code, year: Year | None = None) -> list[dict[str, Any]]:
    rows = selectors.collection(_org(request, code), _year(year))
    return [{**{k: v for k, v in r.items() if k not in ("org", "total", "in_arrears_6m")}, "org": r["org"].code, "name": r["org"].name}
            for r in rows]  # fmt: skip


@router.get("/finance/{code}/ledger", response=list[LedgerOut])
@paginate(Pagination)
def ledger_list(request: HttpRequest, code: Code, year: Year | None = None) -> list[dict[str, Any]]:
    entries: list[LedgerEntry] = list(selectors.ledger_lines(_org(request, code), _year(year)))
    return [{"id": e.pk, "on": e.on, "head": e.head, "head_name": ledger.name(e.head), "direction": ledger.direction(e.head),
             "amount_fen": e.amount_fen, "note": e.note, "source": e.source} for e in entries]  # fmt: skip


@router.post("/finance/{code}/ledger", response={201: LedgerOut})
def ledger_add(request: HttpRequest, code: Code, payload: LedgerIn) -> tuple[int, dict[str, Any]]:
    e = actions_funds.ledger_entry_add(user=request.user, org=_org(request, code), on=payload.on, head=payload.head,
                                       amount_fen=payload.amount_fen, note=payload.note)  # fmt: skip
    return 201, {"id": e.pk, "on": e.on, "head": e.head, "head_name": ledger.name(e.head), "direction": ledger.direction(e.head),
                 "amount_fen": e.amount_fen, "note": e.note, "source": e.source}  # fmt: skip


@router.get("/finance/{code}/statement", response=StatementOut)
def statement(request: HttpRequest, code: Code, year: Year | None = None) -> dict[str, Any]:
    st = selectors.statement(_org(request, code), _year(year))
    line = lambda items: [{"head": c, "name": n, "amount_fen": v} for c, n, v in items]  # noqa: E731
    return {**st, "org": st["org"].code, "income": line(st["income"]), "spending": line(st["spending"])}
