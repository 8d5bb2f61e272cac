"""/api/v1/care/…: hardship files, aid, aid rounds, training, model workers, the report. The same
actions the pages call, through the same gatekeeper (care/scope.py); every read of a hardship file
is audited here too. Amounts are yuan (numbers with at most two decimals)."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema

from gonghui.care import selectors
from gonghui.care.models import (
    AidType,
    Assistance,
    CareKind,
    Category,
    Cause,
    FundSource,
    HardshipFile,
    ModelLevel,
    ReviewOutcome,
)
from gonghui.core.schema import Code, Id, IdList, Str40, Str60, Str80, Str200, Text2000

router = Router(tags=["care"])

Money = Decimal


# --------------------------------------------------------------------------- schemas


class FileOut(Schema):
    id: int
    file_no: str
    person: str = Field(..., alias="person.name")
    id_masked: str = Field(..., alias="person.id_masked")
    org: str = Field(..., alias="org.code")
    category: str
    household_size: int
    household_income: float
    income_per_capita: float
    children_in_school: int
    causes: list[str]
    opened_on: dt.date
    last_reviewed_on: dt.date | None
    status: str
    ended_on: dt.date | None
    end_reason: str

    @staticmethod
    def resolve_causes(obj: HardshipFile) -> list[str]:
        return [c.cause for c in obj.causes.all()]


class ReviewOut(Schema):
    year: int
    reviewed_on: dt.date
    outcome: str
    category: str
    household_size: int
    household_income: float
    income_per_capita: float
    note: str


class AidOut(Schema):
    id: int
    person: str = Field(..., alias="person.name")
    org: str = Field(..., alias="org.code")
    file_id: int | None
    programme_id: int | None
    type: str
    amount: float
    given_on: dt.date
    source: str
    note: str


class HardshipDocumentOut(Schema):
    id: int
    kind: str
    original_name: str
    size: int
    uploaded_at: dt.datetime


class FileDetailOut(FileOut):
    situation: str
    reviews: list[ReviewOut]
    aid: list[AidOut]
    documents: list[HardshipDocumentOut]

    @staticmethod
    def resolve_aid(obj: HardshipFile) -> list[Assistance]:
        return list(obj.aid.select_related("person", "org").order_by("-given_on", "-id"))


class FileIn(Schema):
    member_id: Id = Field(..., description="会籍 ID（/api/v1/members 的 id），须为有效会籍")
    category: Category
    household_size: int = Field(..., ge=1, le=30)
    household_income: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    causes: list[Cause] = Field(..., min_length=1, max_length=9)
    children_in_school: int = Field(0, ge=0, le=29)
    situation: Text2000 = ""
    opened_on: dt.date | None = None


class FileUpdate(Schema):
    category: Category
    household_size: int = Field(..., ge=1, le=30)
    household_income: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    causes: list[Cause] = Field(..., min_length=1, max_length=9)
    children_in_school: int = Field(0, ge=0, le=29)
    situation: Text2000 = ""


class ReviewIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    reviewed_on: dt.date
    outcome: ReviewOutcome
    category: Category
    household_size: int = Field(..., ge=1, le=30)
    household_income: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    note: Str200 = ""


class AidIn(Schema):
    file_id: Id | None = Field(None, description="困难档案 ID；不填则按 member_id 登记")
    member_id: Id | None = None
    type: AidType
    amount: Money = Field(..., gt=0, max_digits=12, decimal_places=2)
    given_on: dt.date
    source: FundSource
    note: Str200 = ""


class ProgrammeOut(Schema):
    id: int
    name: str
    type: str
    year: int
    org: str = Field(..., alias="org.code")
    amount_per_person: float
    source: str
    status: str
    note: str


class ProgrammeSummary(Schema):
    listed: int
    paid: int
    withdrawn: int
    paid_amount: float
    listed_amount: float
    eligible_left: int


class ProgrammeDetailOut(ProgrammeOut):
    eligibility: str
    summary: ProgrammeSummary

    @staticmethod
    def resolve_eligibility(obj: Any) -> str:
        return selectors.eligibility_text(obj.type)

    @staticmethod
    def resolve_summary(obj: Any) -> dict[str, Any]:
        return selectors.programme_summary(obj)


class ProgrammeIn(Schema):
    org: Code = Field(..., description="主办工会的组织代码")
    name: Str80 = Field(..., min_length=1)
    type: AidType
    year: int = Field(..., ge=2000, le=2100)
    amount_per_person: Money = Field(..., gt=0, max_digits=12, decimal_places=2)
    source: FundSource
    note: Str200 = ""


class EntryOut(Schema):
    id: int
    file_id: int
    file_no: str = Field(..., alias="file.file_no")
    person: str = Field(..., alias="person.name")
    org: str = Field(..., alias="org.code")
    amount: float
    status: str
    paid_on: dt.date | None


class EntriesIn(Schema):
    file_ids: IdList | None = Field(None, description="不填：全部符合条件的档案")


class PaymentsIn(Schema):
    entry_ids: IdList | None = Field(None, description="不填：全部待发放")
    paid_on: dt.date


class Count_(Schema):
    count: int


class CourseOut(Schema):
    id: int
    title: str
    trade: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    provider: str
    cost: float
    source: str
    for_migrants: bool
    trainees: int
    completed: int
    cost_per_trainee: float | None
    org: str


class CourseIn(Schema):
    org: Code = Field(..., description="主办工会的组织代码")
    title: Str80 = Field(..., min_length=1)
    trade: Str40 = Field(..., min_length=1)
    starts_on: dt.date
    ends_on: dt.date
    place: Str80 = Field(..., min_length=1)
    provider: Str80 = Field(..., min_length=1)
    cost: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    source: FundSource = FundSource.OWN
    for_migrants: bool = False
    note: Str200 = ""


class TraineeOut(Schema):
    id: int
    person: str = Field(..., alias="person.name")
    org: str = Field(..., alias="org.code")
    is_migrant: bool
    status: str
    completed_on: dt.date | None
    certificate_no: str


class TraineesIn(Schema):
    member_ids: IdList = Field(..., min_length=1, description="会籍 ID")


class Completion(Schema):
    trainee_id: Id
    certificate_no: Str40 = ""


class CompletionsIn(Schema):
    completed_on: dt.date
    trainees: list[Completion] = Field(..., min_length=1, max_length=5000)


class TitleOut(Schema):
    id: int
    person: str = Field(..., alias="person.name")
    org: str = Field(..., alias="org.code")
    level: str
    year: int
    title: str
    awarded_by: str


class TitleIn(Schema):
    member_id: Id
    level: ModelLevel
    year: int = Field(..., ge=1950, le=2100)
    title: Str60 = Field(..., min_length=1)
    awarded_by: Str80 = ""
    note: Str200 = ""


class CareIn(Schema):
    kind: CareKind
    on: dt.date
    amount: Money = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    note: Str200 = ""


class CareOut(Schema):
    id: int
    kind: str
    on: dt.date
    amount: float
    note: str


# The handlers, registered on `router` in the order of the OpenAPI document (they import the
# schemas above, so they come last).
from gonghui.care import api_files, api_training  # noqa: E402, F401
