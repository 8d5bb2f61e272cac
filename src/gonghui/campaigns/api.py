"""/api/v1/campaigns: the same actions and selectors the pages use."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from gonghui.campaigns import actions, scope, selectors
from gonghui.campaigns.models import (
    BaselineSource,
    Campaign,
    Measure,
    NoteKind,
    SplitMethod,
    SupervisionNote,
    WorkGroup,
)
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import UNSET, Code, Id, Str60, Str120, Str200, Text, Text4000, UInt
from gonghui.orgs.api import ERRORS

router = Router(tags=["campaigns"])


class UnitOut(Schema):
    org: str
    name: str
    target: int | None
    done: int
    baseline: int | None
    completion: float | None = Field(..., description="完成率（0–1），无任务时为 null")
    behind: bool
    rank: int | None
    split_method: str
    new_members: int = Field(..., description="期内入会人数")
    real_name_complete: int = Field(..., description="其中实名登记完整的人数")


class GroupOut(Schema):
    id: int
    name: str
    leader: str
    members: str
    units: list[str]
    target: int
    done: int


class CampaignOut(Schema):
    id: int
    name: str
    org: str
    measure: Measure
    starts_on: dt.date
    ends_on: dt.date
    baseline_source: str
    baseline_on: dt.date
    baseline: int
    growth_rate: Decimal | None
    net_minimum: int | None
    target_net: int
    behind_margin: Decimal
    description: str


class BoardOut(Schema):
    campaign: CampaignOut
    on: dt.date
    time_progress: float = Field(..., description="序时进度（0–1）")
    unit: UnitOut
    allocations: list[UnitOut] = Field(..., description="下一级各单位")
    groups: list[GroupOut]


class CampaignIn(Schema):
    org: Code = Field(..., description="牵头工会的组织代码")
    name: Str120 = Field(..., min_length=1)
    measure: Measure
    starts_on: dt.date
    ends_on: dt.date
    baseline_source: BaselineSource = BaselineSource.REGISTER
    baseline_on: dt.date | None = None
    baseline: UInt | None = None
    growth_rate: Decimal | None = Field(None, ge=0, le=1000, decimal_places=2)
    net_minimum: UInt | None = None
    behind_margin: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    description: Text = ""
    split_method: SplitMethod | None = None


class CampaignPatch(Schema):
    """Fields left out stay unchanged; `null` only where the column allows it."""

    name: Str120 = Field(UNSET, min_length=1)
    starts_on: dt.date = UNSET
    ends_on: dt.date = UNSET
    baseline_source: BaselineSource = UNSET
    baseline_on: dt.date = UNSET
    baseline: UInt | None = None
    growth_rate: Decimal | None = Field(None, ge=0, le=1000, decimal_places=2)
    net_minimum: UInt | None = None
    behind_margin: Decimal = Field(UNSET, ge=0, le=100, decimal_places=2)
    description: Text = UNSET


class AllocateIn(Schema):
    method: SplitMethod
    manual: dict[Code, UInt] | None = Field(
        None, max_length=5000, description="逐个填写时：下级组织代码 → 任务数，之和须等于本级任务"
    )


class CampaignNoteIn(Schema):
    org: Code = Field(..., description="检查单位的组织代码")
    on: dt.date
    kind: NoteKind = NoteKind.VISIT
    findings: Text4000 = Field(..., min_length=1)
    follow_up: Text4000 = ""
    due_on: dt.date | None = None
    group: Id | None = None


class NoteDoneIn(Schema):
    done_on: dt.date | None = None
    result: Text4000 = ""


class CampaignNoteOut(Schema):
    id: int
    org: str
    on: dt.date
    kind: str
    group: int | None
    findings: str
    follow_up: str
    due_on: dt.date | None
    done: bool
    done_on: dt.date | None
    result: str


class GroupIn(Schema):
    name: Str60 = Field(..., min_length=1)
    leader: Str60 = Field(..., min_length=1)
    members: Str200 = ""
    units: list[Code] = Field(default_factory=list, max_length=5000, description="负责单位的组织代码")


def campaign_out(c: Campaign) -> dict[str, Any]:
    data = {f: getattr(c, f) for f in CampaignOut.model_fields if f != "org"}
    data["org"] = c.org.code
    return data


def unit_out(u: selectors.Unit) -> dict[str, Any]:
    ratio = u.ratio
    return {
        "org": u.org.code, "name": u.org.name, "target": u.target, "done": u.done, "baseline": u.baseline,
        "completion": round(float(ratio), 4) if ratio is not None else None, "behind": u.behind, "rank": u.rank,
        "split_method": u.allocation.split_method if u.allocation else "", "new_members": u.joins, "real_name_complete": u.complete,
    }  # fmt: skip


def board_out(b: selectors.Board) -> dict[str, Any]:
    return {
        "campaign": campaign_out(b.campaign), "on": b.on, "time_progress": round(float(b.time), 4), "unit": unit_out(b.root),
        "allocations": [unit_out(u) for u in b.children],
        "groups": [{"id": g.group.pk, "name": g.group.name, "leader": g.group.leader, "members": g.group.members,
                    "units": [u.org.code for u in g.units], "target": g.target, "done": g.done} for g in b.groups],
    }  # fmt: skip


def note_out(n: SupervisionNote) -> dict[str, Any]:
    return {"id": n.pk, "org": n.org.code, "on": n.on, "kind": n.kind, "group": n.group_id, "findings": n.findings,
            "follow_up": n.follow_up, "due_on": n.due_on, "done": n.done, "done_on": n.done_on, "result": n.result}  # fmt: skip


@router.get(
    "/campaigns", response=list[CampaignOut], summary="集中行动列表（本单位牵头的及上级牵头涉及本单位的）"
)
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        campaign_out(c) for c in scope.visible_campaigns(request.user).order_by("-starts_on", "-id")[:500]
    ]


@router.post(
    "/campaigns", response={201: CampaignOut, **ERRORS}, summary="新建集中行动（目标：增长率与净增数取其大）"
)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> tuple[int, dict[str, Any]]:
    org = access.get_org(request.user, payload.org, Perm.CAMPAIGN_MANAGE)
    data = payload.dict(exclude={"org"})
    data["split_method"] = data["split_method"] or ""
    c = actions.campaign_create(user=request.user, org=org, **data)
    return 201, campaign_out(c)


@router.get(
    "/campaigns/{campaign_id}",
    response={200: BoardOut, **ERRORS},
    summary="行动进度：本单位与下一级各单位、工作组",
)
def campaign_detail(request: HttpRequest, campaign_id: Id, on: dt.date | None = None) -> dict[str, Any]:
    campaign, root = scope.get_campaign_view(request.user, campaign_id)
    return board_out(selectors.board(campaign, root=root, on=on))


@router.patch(
    "/campaigns/{campaign_id}",
    response={200: CampaignOut, **ERRORS},
    summary="修改目标（已分解的任务按原方式重新分解）",
)
def campaign_update(request: HttpRequest, campaign_id: Id, payload: CampaignPatch) -> dict[str, Any]:
    campaign = scope.get_campaign(request.user, campaign_id, Perm.CAMPAIGN_MANAGE)
    return campaign_out(
        actions.campaign_update(user=request.user, campaign=campaign, **payload.dict(exclude_unset=True))
    )


@router.get(
    "/campaigns/{campaign_id}/units/{code}",
    response={200: BoardOut, **ERRORS},
    summary="某一单位的进度及其下级",
)
def unit_detail(
    request: HttpRequest, campaign_id: Id, code: Code, on: dt.date | None = None
) -> dict[str, Any]:
    campaign, _top = scope.get_campaign_view(request.user, campaign_id)
    org = scope.get_unit(request.user, campaign, code)
    return board_out(selectors.board(campaign, root=org, on=on))


@router.post(
    "/campaigns/{campaign_id}/units/{code}/allocate",
    response={200: BoardOut, **ERRORS},
    summary="把本单位任务分解到直接下级",
)
def unit_allocate(request: HttpRequest, campaign_id: Id, code: Code, payload: AllocateIn) -> dict[str, Any]:
    campaign, _top = scope.get_campaign_view(request.user, campaign_id)
    org = scope.get_unit(request.user, campaign, code, Perm.CAMPAIGN_MANAGE)
    actions.campaign_allocate(
        user=request.user, campaign=campaign, org=org, method=payload.method, manual=payload.manual
    )
    return board_out(selectors.board(campaign, root=org))


@router.get(
    "/campaigns/{campaign_id}/notes", response={200: list[CampaignNoteOut], **ERRORS}, summary="督查记录"
)
def note_list(request: HttpRequest, campaign_id: Id, open_only: bool = False) -> list[dict[str, Any]]:
    campaign, root = scope.get_campaign_view(request.user, campaign_id)
    qs = selectors.notes_under(campaign, root)
    if open_only:
        qs = qs.filter(done=False)
    return [note_out(n) for n in qs[:1000]]


@router.post(
    "/campaigns/{campaign_id}/notes", response={201: CampaignNoteOut, **ERRORS}, summary="记录督促检查"
)
def note_create(request: HttpRequest, campaign_id: Id, payload: CampaignNoteIn) -> tuple[int, dict[str, Any]]:
    campaign, _top = scope.get_campaign_view(request.user, campaign_id)
    org = scope.get_unit(request.user, campaign, payload.org, Perm.CAMPAIGN_MANAGE)
    group = None
    if payload.group is not None:
        group = WorkGroup.objects.filter(campaign=campaign, pk=payload.group).first()
        if group is None:
            raise ApplicationError("工作组不属于本次行动。", code="invalid", details={"field": "group"})
    data = payload.dict(exclude={"org", "group"})
    return 201, note_out(
        actions.note_create(user=request.user, campaign=campaign, org=org, group=group, **data)
    )


@router.post(
    "/campaigns/{campaign_id}/notes/{note_id}/done",
    response={200: CampaignNoteOut, **ERRORS},
    summary="标记整改完成",
)
def note_done(request: HttpRequest, campaign_id: Id, note_id: Id, payload: NoteDoneIn) -> dict[str, Any]:
    campaign, _top = scope.get_campaign_view(request.user, campaign_id)
    note = scope.get_note(request.user, campaign, note_id, Perm.CAMPAIGN_MANAGE)
    done_on = payload.done_on or timezone.localdate()
    return note_out(
        actions.note_complete(user=request.user, note=note, done_on=done_on, result=payload.result)
    )


@router.post("/campaigns/{campaign_id}/groups", response={201: GroupOut, **ERRORS}, summary="新建工作组")
def group_create(request: HttpRequest, campaign_id: Id, payload: GroupIn) -> tuple[int, dict[str, Any]]:
    campaign = scope.get_campaign(request.user, campaign_id, Perm.CAMPAIGN_MANAGE)
    units = [scope.get_unit(request.user, campaign, code) for code in payload.units]
    g = actions.workgroup_save(user=request.user, campaign=campaign, name=payload.name, leader=payload.leader,
                               members=payload.members, units=units)  # fmt: skip
    b = selectors.board(campaign)
    view = next(x for x in b.groups if x.group.pk == g.pk)
    return 201, {"id": g.pk, "name": g.name, "leader": g.leader, "members": g.members, "units": [u.org.code for u in view.units],
                 "target": view.target, "done": view.done}  # fmt: skip
