"""The elections API's input and output schemas."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from gonghui.core.schema import (
    UNSET,
    Code,
    Id,
    IdList,
    LongText,
    Region,
    SmallUInt,
    Str24,
    Str32,
    Str40,
    Str60,
    Str120,
    Str500,
    Text,
    UInt,
)
from gonghui.elections.models import (
    MeetingType,
    PostKind,
    TermRequestKind,
)  # fmt: skip
from gonghui.orgs.models import OrgKind

# --- schemas ----------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    generated: bool
    created_at: dt.datetime


class RosterEntryOut(Schema):
    id: int
    name: str
    id_masked: str
    gender: str
    employer_id: int | None
    source: str


class FormationOut(Schema):
    id: int
    parent: str
    name: str
    short_name: str
    kind: str
    form: str
    region_code: str
    joint_scope: str
    employers: list[int]
    chair_name: str
    term_years: int
    status: str
    reason: str
    approval_no: str
    founded_on: dt.date | None
    org: str | None
    members: int
    problems: list[dict[str, Any]] = Field(..., description="规则检查（只在详情中给出，列表中为空）")
    documents: list[DocumentOut]


class FormationIn(Schema):
    parent: Code = Field(..., description="上级工会（审批单位）的组织代码")
    name: Str120 = Field(..., min_length=1)
    kind: OrgKind = OrgKind.GRASSROOTS
    form: Literal["committee", "organiser"] = "committee"
    short_name: Str60 = ""
    region_code: Region | None = Field(None, description="不填：与上级工会相同")
    joint_scope: Str24 = ""
    employers: IdList = []
    chair_name: Str40 = ""
    term_years: Literal[3, 5] = 5
    request_text: Text = ""


class FormationPatch(Schema):
    """Fields left out stay unchanged; `null` is refused (no column here allows it)."""

    name: Str120 = Field(UNSET, min_length=1)
    kind: OrgKind = UNSET
    form: Literal["committee", "organiser"] = UNSET
    short_name: Str60 = UNSET
    region_code: Region = UNSET
    joint_scope: Str24 = UNSET
    employers: IdList = UNSET
    chair_name: Str40 = UNSET
    term_years: Literal[3, 5] = UNSET
    request_text: Text = UNSET


class RosterIn(Schema):
    name: Str40 = ""
    id_number: Str32 = Field("", description="公民身份号码（加密保存，响应中只返回遮蔽形式）")
    employer_id: Id | None = None
    lines: LongText = Field("", description="批量：每行“姓名 身份证号 [单位名称]”")


class IdsIn(Schema):
    ids: IdList


class FormationDecision(Schema):
    decision: Literal["approve", "return", "reject"]
    reason: Str500 = ""
    founded_on: dt.date | None = None
    term_years: Literal[3, 5] | None = None


class TermOut(Schema):
    org: str
    name: str
    term_number: int | None
    start: dt.date | None
    end: dt.date | None
    status: str


class TermRequestIn(Schema):
    kind: TermRequestKind
    reason: Str500 = Field(..., min_length=1)
    proposed_date: dt.date | None = None


class TermRequestOut(Schema):
    id: int
    org: str
    kind: str
    proposed_date: dt.date | None
    reason: str
    status: str
    decision_reason: str
    previous_end: dt.date | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class Decision(Schema):
    decision: Literal["approve", "reject", "return"]
    reason: Str500 = ""


class ElectionIn(Schema):
    org: Code = Field(..., description="举行选举的工会组织代码")
    meeting_date: dt.date
    meeting_type: MeetingType = MeetingType.GENERAL
    term_years: Literal[3, 5] | None = None
    due: UInt | None = None
    place: Str120 = ""


class ElectionPatch(Schema):
    """Fields left out stay unchanged; `null` is refused (no column here allows it)."""

    meeting_type: MeetingType = UNSET
    meeting_date: dt.date = UNSET
    place: Str120 = UNSET
    due: UInt = UNSET
    present: UInt = UNSET
    term_years: Literal[3, 5] = UNSET
    leads_by: Literal["assembly", "committee"] = Field(
        UNSET,
        description="主席、副主席产生方式：assembly 大会直接选举；committee 新一届委员会第一次全体会议选举",
    )
    publicity_start: dt.date = Field(UNSET, description="候选人公示开始日期（企业工会主席候选人公示 7 天）")


class PostsIn(Schema):
    """Seats per post; a post left at 0 is not filled (dropped with its candidates)."""

    committee: SmallUInt = 0
    chair: SmallUInt = 0
    vice_chair: SmallUInt = 0
    audit: SmallUInt = 0
    women: SmallUInt = 0
    organiser: SmallUInt = 0


class CandidateIn(Schema):
    post: PostKind
    member_no: Str32 = ""
    id_number: Str32 = ""
    principal_relative: bool = False
    chair_bar: Literal["", "principal_relative", "admin_head", "partner", "hr_head", "foreign"] = Field(
        "", description="企业工会主席人选限制（企业工会主席产生办法（试行）第六条）"
    )
    finance_officer: bool = Field(False, description="拟分管经费工作的委员（不得兼任经审委员）")
    note: Str120 = ""


class VotesIn(Schema):
    post: PostKind
    ballots: UInt
    votes: dict[Id, UInt] = Field(..., max_length=1000, description="候选人 id → 赞成票")


class PostIn(Schema):
    post: PostKind


class CandidateOut(Schema):
    id: int
    name: str
    member_no: str
    principal_relative: bool
    chair_bar: str
    finance_officer: bool
    elected: bool
    elected_round: int | None


class RoundOut(Schema):
    number: int
    seats: int
    counted: bool
    ballots: int | None
    needed: int
    candidates: list[int]
    votes: dict[int, int]
    elected: list[int]
    tied: list[int]


class PostOut(Schema):
    kind: str
    seats: int
    closed: bool
    candidates: list[CandidateOut]
    rounds: list[RoundOut]


class WomenCommitteeRef(Schema):
    id: int
    form: str
    formed_by: str
    chair_name: str
    approved: bool


class ElectionOut(Schema):
    id: int
    org: str
    status: str
    term_number: int
    term_years: int
    founding: bool = Field(..., description="建会选举（第一届）")
    leads_by: str = Field(
        ...,
        description="主席、副主席产生方式：assembly 大会直接选举；committee 新一届委员会第一次全体会议选举",
    )
    plenary_present: int | None
    publicity_start: dt.date | None = Field(..., description="候选人公示开始日期")
    meeting_type: str
    meeting_date: dt.date
    place: str
    members: int
    due: int
    present: int
    quorum_met: bool
    votes_needed: int
    early: bool
    overdue: bool
    reason: str
    approval_no: str
    posts: list[PostOut]
    women_committees: list[WomenCommitteeRef]
    problems: list[dict[str, Any]] = Field(..., description="规则检查（只在详情中给出，列表中为空）")
    documents: list[DocumentOut]


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    org: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    due_on: dt.date | None = None


class PlenaryIn(Schema):
    present: int = Field(..., ge=0, le=100000, description="委员会全体会议实到人数（应到为新当选委员人数）")


class WomenCommitteeIn(Schema):
    form: Literal["committee", "member"]
    formed_by: Literal["consultation", "assembly"]
    nominated_on: dt.date
    formed_on: dt.date
    chair_name: Str40 = Field(..., min_length=1)
    member_names: list[Str40] = Field([], max_length=60)


class WomenCommitteeOut(Schema):
    id: int
    org: str
    form: str
    formed_by: str
    nominated_on: dt.date
    formed_on: dt.date
    female_members: int
    chair_name: str
    member_names: list[str]
    election: int | None
    approved: bool


class OrgRef(Schema):
    code: str
    name: str
    female_members: int


class ReadIn(Schema):
    ids: IdList | None = Field(None, description="要标为已读的提醒 id；不填则全部")
