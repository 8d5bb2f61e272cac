"""/api/v1/care/…: hardship files, aid, aid rounds, training, model workers, the report. The same
actions the pages call, through the same gatekeeper (care/scope.py); every read of a hardship file
is audited here too. Amounts are yuan (numbers with at most two decimals)."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.care import actions, scope, selectors
from gonghui.care.models import (
    AidType,
    Assistance,
    CareKind,
    Category,
    Cause,
    EntryStatus,
    FundSource,
    HardshipFile,
    ModelLevel,
    ModelWorkerTitle,
    ProgrammeEntry,
    ReviewOutcome,
    Trainee,
    TrainingCourse,
)
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.members.models import CURRENT_STATUSES, Membership
from gonghui.orgs.api import ERRORS

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


class DocumentOut(Schema):
    id: int
    kind: str
    original_name: str
    size: int
    uploaded_at: dt.datetime


class FileDetailOut(FileOut):
    situation: str
    reviews: list[ReviewOut]
    aid: list[AidOut]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_aid(obj: HardshipFile) -> list[Assistance]:
        return list(obj.aid.select_related("person", "org").order_by("-given_on", "-id"))


class FileIn(Schema):
    member_id: int = Field(..., description="会籍 ID（/api/v1/members 的 id），须为有效会籍")
    category: Category
    household_size: int = Field(..., ge=1, le=30)
    household_income: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    causes: list[Cause] = Field(..., min_length=1, max_length=9)
    children_in_school: int = Field(0, ge=0, le=29)
    situation: str = Field("", max_length=2000)
    opened_on: dt.date | None = None


class FileUpdate(Schema):
    category: Category
    household_size: int = Field(..., ge=1, le=30)
    household_income: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    causes: list[Cause] = Field(..., min_length=1, max_length=9)
    children_in_school: int = Field(0, ge=0, le=29)
    situation: str = Field("", max_length=2000)


class ReviewIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    reviewed_on: dt.date
    outcome: ReviewOutcome
    category: Category
    household_size: int = Field(..., ge=1, le=30)
    household_income: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    note: str = Field("", max_length=200)


class AidIn(Schema):
    file_id: int | None = Field(None, description="困难档案 ID；不填则按 member_id 登记")
    member_id: int | None = None
    type: AidType
    amount: Money = Field(..., gt=0, max_digits=12, decimal_places=2)
    given_on: dt.date
    source: FundSource
    note: str = Field("", max_length=200)


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
    org: str = Field(..., description="主办工会的组织代码")
    name: str = Field(..., min_length=1, max_length=80)
    type: AidType
    year: int = Field(..., ge=2000, le=2100)
    amount_per_person: Money = Field(..., gt=0, max_digits=12, decimal_places=2)
    source: FundSource
    note: str = Field("", max_length=200)


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
    file_ids: list[int] | None = Field(None, max_length=5000, description="不填：全部符合条件的档案")


class PaymentsIn(Schema):
    entry_ids: list[int] | None = Field(None, max_length=5000, description="不填：全部待发放")
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
    org: str = Field(..., description="主办工会的组织代码")
    title: str = Field(..., min_length=1, max_length=80)
    trade: str = Field(..., min_length=1, max_length=40)
    starts_on: dt.date
    ends_on: dt.date
    place: str = Field(..., min_length=1, max_length=80)
    provider: str = Field(..., min_length=1, max_length=80)
    cost: Money = Field(..., ge=0, max_digits=12, decimal_places=2)
    source: FundSource = FundSource.OWN
    for_migrants: bool = False
    note: str = Field("", max_length=200)


class TraineeOut(Schema):
    id: int
    person: str = Field(..., alias="person.name")
    org: str = Field(..., alias="org.code")
    is_migrant: bool
    status: str
    completed_on: dt.date | None
    certificate_no: str


class TraineesIn(Schema):
    member_ids: list[int] = Field(..., min_length=1, max_length=5000, description="会籍 ID")


class Completion(Schema):
    trainee_id: int
    certificate_no: str = Field("", max_length=40)


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
    member_id: int
    level: ModelLevel
    year: int = Field(..., ge=1950, le=2100)
    title: str = Field(..., min_length=1, max_length=60)
    awarded_by: str = Field("", max_length=80)
    note: str = Field("", max_length=200)


class CareIn(Schema):
    kind: CareKind
    on: dt.date
    amount: Money = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    note: str = Field("", max_length=200)


class CareOut(Schema):
    id: int
    kind: str
    on: dt.date
    amount: float
    note: str


# --------------------------------------------------------------------------- hardship files


@router.get("/care/files", response=list[FileOut], summary="困难职工档案列表（查看记入操作日志）")
@paginate(LimitOffsetPagination)
def file_list(
    request: HttpRequest, under: str | None = None, status: str = "open", category: str = "", cause: str = "", q: str = "",
) -> Any:  # fmt: skip
    f = selectors.FileFilters(q=q, category=category, status=status, cause=cause)
    under_org = access.get_org(request.user, under, Perm.CARE_FILES) if under else None
    qs = selectors.file_search(scope.scoped_files(request.user), f, under=under_org).prefetch_related(
        "causes"
    )
    actions.files_listed(user=request.user, org_path=under_org.path if under_org else access.scope_path(request.user),
                         count=None, filters={**f.as_dict(), "under": under or ""}, via="api")  # fmt: skip
    return qs


@router.get(
    "/care/files/{file_id}",
    response={200: FileDetailOut, **ERRORS},
    summary="困难职工档案详情（记入操作日志）",
)
def file_detail(request: HttpRequest, file_id: int) -> Any:
    f = scope.get_file(request.user, file_id)
    actions.file_viewed(user=request.user, file=f, via="api")
    return f


@router.post("/care/files", response={201: FileOut, **ERRORS}, summary="新建困难职工档案")
def file_open(request: HttpRequest, payload: FileIn) -> Any:
    m = scope.get_membership(request.user, payload.member_id, Perm.CARE_FILES)
    data = payload.dict(exclude={"member_id"})
    f = actions.file_open(user=request.user, membership=m, **data)
    return 201, f


@router.put("/care/files/{file_id}", response={200: FileOut, **ERRORS}, summary="修改在档困难职工档案")
def file_update(request: HttpRequest, file_id: int, payload: FileUpdate) -> Any:
    f = scope.get_file(request.user, file_id)
    return actions.file_update(user=request.user, file=f, **payload.dict())


@router.post(
    "/care/files/{file_id}/reviews", response={201: ReviewOut, **ERRORS}, summary="年度复核（解困脱困、销档）"
)
def file_review(request: HttpRequest, file_id: int, payload: ReviewIn) -> Any:
    f = scope.get_file(request.user, file_id)
    return 201, actions.file_review(user=request.user, file=f, **payload.dict())


# --------------------------------------------------------------------------- aid


@router.get("/care/aid", response=list[AidOut], summary="帮扶记录（按年度）")
@paginate(LimitOffsetPagination)
def aid_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100, description="默认今年"),
    under: str | None = None,
    type: str = "",
    source: str = "",
) -> Any:
    qs = scope.scoped_aid(request.user)
    year = year or timezone.localdate().year
    qs = qs.filter(given_on__year=year)
    if under:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, under, Perm.CARE_FILES).path)
    if type:
        qs = qs.filter(type=type)
    if source:
        qs = qs.filter(source=source)
    actions.files_listed(user=request.user, org_path=access.scope_path(request.user), count=None,
                         filters={"year": year, "under": under or "", "type": type, "source": source, "what": "aid"}, via="api")  # fmt: skip
    return qs.select_related("person", "org").order_by("-given_on", "-id")


@router.post("/care/aid", response={201: AidOut, **ERRORS}, summary="登记帮扶")
def aid_record(request: HttpRequest, payload: AidIn) -> Any:
    data = payload.dict(exclude={"file_id", "member_id"})
    if payload.file_id is not None:
        f = scope.get_file(request.user, payload.file_id)
        aid = actions.aid_record(user=request.user, file=f, **data)
    elif payload.member_id is not None:
        m = scope.get_membership(request.user, payload.member_id, Perm.CARE_FILES)
        aid = actions.aid_record(user=request.user, membership=m, **data)
    else:
        access.require(request.user, Perm.CARE_FILES)
        raise ApplicationError("请指明 file_id 或 member_id。", code="required", details={"field": "file_id"})
    return 201, Assistance.objects.select_related("person", "org").get(pk=aid.pk)


# --------------------------------------------------------------------------- aid rounds


@router.get("/care/programmes", response=list[ProgrammeOut], summary="帮扶活动（送温暖、金秋助学等）")
@paginate(LimitOffsetPagination)
def programme_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    qs = scope.scoped_programmes(request.user).select_related("org")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-id")


@router.post("/care/programmes", response={201: ProgrammeDetailOut, **ERRORS}, summary="新建帮扶活动")
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.CARE_FILES)
    p = actions.programme_create(user=request.user, org=org, **payload.dict(exclude={"org"}))
    return 201, p


@router.get(
    "/care/programmes/{programme_id}",
    response={200: ProgrammeDetailOut, **ERRORS},
    summary="帮扶活动详情与汇总",
)
def programme_detail(request: HttpRequest, programme_id: int) -> Any:
    return scope.get_programme(request.user, programme_id)


@router.get(
    "/care/programmes/{programme_id}/eligible",
    response={200: list[FileOut], **ERRORS},
    summary="资格名单（按档案产生）",
)
def programme_eligible(request: HttpRequest, programme_id: int, limit: int = 500) -> Any:
    p = scope.get_programme(request.user, programme_id)
    actions.files_listed(
        user=request.user, org_path=p.org_path, count=None, filters={"programme": p.pk}, via="api"
    )
    return list(selectors.eligible_files(p).prefetch_related("causes")[: max(1, min(limit, 5000))])


@router.get(
    "/care/programmes/{programme_id}/entries", response={200: list[EntryOut], **ERRORS}, summary="活动名单"
)
def programme_entries(request: HttpRequest, programme_id: int, status: str = "") -> Any:
    p = scope.get_programme(request.user, programme_id)
    actions.files_listed(
        user=request.user,
        org_path=p.org_path,
        count=None,
        filters={"programme": p.pk, "what": "entries"},
        via="api",
    )
    qs = scope.entries_of(p)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("org_path", "id"))


@router.post(
    "/care/programmes/{programme_id}/entries", response={201: Count_, **ERRORS}, summary="将档案加入活动名单"
)
def programme_list_add(request: HttpRequest, programme_id: int, payload: EntriesIn) -> Any:
    p = scope.get_programme(request.user, programme_id)
    files = None if payload.file_ids is None else list(HardshipFile.objects.filter(pk__in=payload.file_ids))
    if files is not None and len(files) != len(set(payload.file_ids or [])):
        raise ApplicationError(
            "有档案不存在或不符合条件。", code="not_eligible", details={"field": "file_ids"}
        )
    return 201, {"count": actions.programme_list_add(user=request.user, programme=p, files=files)}


@router.post("/care/programmes/{programme_id}/payments", response={200: Count_, **ERRORS}, summary="记录发放")
def programme_pay(request: HttpRequest, programme_id: int, payload: PaymentsIn) -> Any:
    p = scope.get_programme(request.user, programme_id)
    qs = ProgrammeEntry.objects.filter(programme=p)
    entries = list(
        qs.filter(status=EntryStatus.LISTED)
        if payload.entry_ids is None
        else qs.filter(pk__in=payload.entry_ids)
    )
    if payload.entry_ids is not None and len(entries) != len(set(payload.entry_ids)):
        raise ApplicationError(
            "所选人员不在本次活动名单中。", code="not_listed", details={"field": "entry_ids"}
        )
    return {
        "count": actions.programme_pay(
            user=request.user, programme=p, entries=entries, paid_on=payload.paid_on
        )
    }


@router.post(
    "/care/programmes/{programme_id}/close", response={200: ProgrammeDetailOut, **ERRORS}, summary="结束活动"
)
def programme_close(request: HttpRequest, programme_id: int) -> Any:
    p = scope.get_programme(request.user, programme_id)
    return actions.programme_close(user=request.user, programme=p)


# --------------------------------------------------------------------------- training


def _course_out(c: TrainingCourse) -> dict[str, Any]:
    fig = selectors.course_figures(c)
    data = {
        k: getattr(c, k)
        for k in (
            "id",
            "title",
            "trade",
            "starts_on",
            "ends_on",
            "place",
            "provider",
            "source",
            "for_migrants",
        )
    }
    data.update(cost=float(c.cost), org=c.org.code, trainees=fig["n"], completed=fig["done"],
                cost_per_trainee=float(fig["cost_per_trainee"]) if fig["cost_per_trainee"] is not None else None)  # fmt: skip
    return data


class _CoursePage:
    def __init__(self, qs: Any):
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        rows = []
        for c in self.qs[s]:
            per = actions.cost_per_trainee(c.cost, c.n)
            rows.append({**{k: getattr(c, k) for k in ("id", "title", "trade", "starts_on", "ends_on", "place", "provider", "source", "for_migrants")},
                         "cost": float(c.cost), "org": c.org.code, "trainees": c.n, "completed": c.done,
                         "cost_per_trainee": float(per) if per is not None else None})  # fmt: skip
        return rows


@router.get("/care/courses", response=list[CourseOut], summary="培训班")
@paginate(LimitOffsetPagination)
def course_list(
    request: HttpRequest, year: int | None = Query(None, ge=1950, le=2100), under: str | None = None
) -> Any:
    qs = scope.scoped_courses(request.user)
    if under:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, under).path)
    if year:
        qs = qs.filter(starts_on__year=year)
    return _CoursePage(selectors.course_list(qs).order_by("-starts_on", "-id"))


@router.post("/care/courses", response={201: CourseOut, **ERRORS}, summary="新建培训班")
def course_create(request: HttpRequest, payload: CourseIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.MEMBER_WRITE)
    c = actions.course_create(user=request.user, org=org, **payload.dict(exclude={"org"}))
    return 201, _course_out(c)


@router.get("/care/courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="培训班详情")
def course_detail(request: HttpRequest, course_id: int) -> Any:
    return _course_out(scope.get_course(request.user, course_id))


@router.get("/care/courses/{course_id}/trainees", response={200: list[TraineeOut], **ERRORS}, summary="学员")
def trainee_list(request: HttpRequest, course_id: int, offset: int = 0, limit: int = 100) -> Any:
    c = scope.get_course(request.user, course_id)
    offset, limit = max(0, offset), max(1, min(limit, 1000))
    return list(c.trainees.select_related("person", "org").order_by("id")[offset : offset + limit])


@router.post(
    "/care/courses/{course_id}/trainees", response={201: Count_, **ERRORS}, summary="录入学员（会籍 ID）"
)
def trainees_add(request: HttpRequest, course_id: int, payload: TraineesIn) -> Any:
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    ids_ = list(dict.fromkeys(payload.member_ids))
    ms = list(
        Membership.objects.select_related("person", "org").filter(
            pk__in=ids_, status__in=CURRENT_STATUSES, org_path__startswith=c.org_path
        )
    )
    if len(ms) != len(ids_):
        missing = sorted(set(ids_) - {m.pk for m in ms})[:50]
        raise ApplicationError(
            "有会籍不存在、已终止或不在本培训班主办工会范围内。",
            code="member_not_found",
            details={"member_ids": missing},
        )
    return 201, {"count": actions.trainees_add(user=request.user, course=c, memberships=ms)}


@router.post(
    "/care/courses/{course_id}/completions", response={200: Count_, **ERRORS}, summary="学员结业与证书"
)
def trainees_complete(request: HttpRequest, course_id: int, payload: CompletionsIn) -> Any:
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    by_id = {t.trainee_id: t.certificate_no for t in payload.trainees}
    rows = list(Trainee.objects.filter(course=c, pk__in=by_id))
    if len(rows) != len(by_id):
        raise ApplicationError("所选学员不在本培训班。", code="not_trainee", details={"field": "trainees"})
    n = actions.trainees_complete(
        user=request.user, course=c, items=[(t, by_id[t.pk]) for t in rows], completed_on=payload.completed_on
    )
    return {"count": n}


# --------------------------------------------------------------------------- model workers


@router.get("/care/model-workers", response=list[TitleOut], summary="劳模名册")
@paginate(LimitOffsetPagination)
def title_list(
    request: HttpRequest, level: str = "", year: int | None = Query(None, ge=1950, le=2100)
) -> Any:
    qs = scope.scoped_titles(request.user).select_related("person", "org")
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "id")


@router.post("/care/model-workers", response={201: TitleOut, **ERRORS}, summary="登记劳模称号")
def title_register(request: HttpRequest, payload: TitleIn) -> Any:
    m = scope.get_membership(request.user, payload.member_id, Perm.MEMBER_WRITE)
    t = actions.title_register(user=request.user, membership=m, **payload.dict(exclude={"member_id"}))
    return 201, ModelWorkerTitle.objects.select_related("person", "org").get(pk=t.pk)


@router.post(
    "/care/model-workers/{title_id}/care", response={201: CareOut, **ERRORS}, summary="登记劳模关爱记录"
)
def title_care(request: HttpRequest, title_id: int, payload: CareIn) -> Any:
    t = scope.get_title(request.user, title_id, Perm.MEMBER_WRITE)
    return 201, actions.model_care_record(user=request.user, title=t, **payload.dict())


# --------------------------------------------------------------------------- report


@router.get("/care/orgs/{code}/report", summary="服务职工统计（下级范围，某年度）")
def report(
    request: HttpRequest, code: str, year: int | None = Query(None, ge=2000, le=2100, description="默认今年")
) -> dict[str, Any]:
    org = access.get_org(request.user, code)
    year = year or timezone.localdate().year
    r = selectors.report(org, year)

    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return selectors.yuan(v)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if hasattr(v, "code") and hasattr(v, "path"):
            return {"code": v.code, "name": v.name}
        return v

    return {**plain({k: v for k, v in r.items() if k != "org"}), "org": {"code": org.code, "name": org.name},
            **selectors.year_figures(org, year)}  # fmt: skip
