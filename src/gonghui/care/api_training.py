"""/api/v1/care/… training courses, the 劳模 registry and the report (registered on care.api.router)."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt  # noqa: F401 (annotations resolved by django-ninja)
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query
from ninja.pagination import paginate

from gonghui.care import actions, scope, selectors
from gonghui.care.api import (
    CareIn,
    CareOut,
    CompletionsIn,
    Count_,
    CourseIn,
    CourseOut,
    TitleIn,
    TitleOut,
    TraineeOut,
    TraineesIn,
    router,
)
from gonghui.care.models import ModelWorkerTitle, TrainingCourse
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import Code, Id, Limit, Offset, Pagination, Str12
from gonghui.orgs.api import ERRORS

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
@paginate(Pagination)
def course_list(
    request: HttpRequest, year: int | None = Query(None, ge=1950, le=2100), under: Code | None = None
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
def course_detail(request: HttpRequest, course_id: Id) -> Any:
    return _course_out(scope.get_course(request.user, course_id))


@router.get("/care/courses/{course_id}/trainees", response={200: list[TraineeOut], **ERRORS}, summary="学员")
def trainee_list(request: HttpRequest, course_id: Id, offset: Offset = 0, limit: Limit = 100) -> Any:
    c = scope.get_course(request.user, course_id)
    offset, limit = max(0, offset), max(1, min(limit, 1000))
    return list(c.trainees.select_related("person", "org").order_by("id")[offset : offset + limit])


@router.post(
    "/care/courses/{course_id}/trainees", response={201: Count_, **ERRORS}, summary="录入学员（会籍 ID）"
)
def trainees_add(request: HttpRequest, course_id: Id, payload: TraineesIn) -> Any:
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    ms = scope.memberships_by_ids(request.user, payload.member_ids, Perm.MEMBER_WRITE, under=c.org_path)
    return 201, {"count": actions.trainees_add(user=request.user, course=c, memberships=ms)}


@router.post(
    "/care/courses/{course_id}/completions", response={200: Count_, **ERRORS}, summary="学员结业与证书"
)
def trainees_complete(request: HttpRequest, course_id: Id, payload: CompletionsIn) -> Any:
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    by_id = {t.trainee_id: t.certificate_no for t in payload.trainees}
    rows = scope.trainees_by_ids(c, by_id)
    n = actions.trainees_complete(
        user=request.user, course=c, items=[(t, by_id[t.pk]) for t in rows], completed_on=payload.completed_on
    )
    return {"count": n}


# --------------------------------------------------------------------------- model workers


@router.get("/care/model-workers", response=list[TitleOut], summary="劳模名册")
@paginate(Pagination)
def title_list(
    request: HttpRequest, level: Str12 = "", year: int | None = Query(None, ge=1950, le=2100)
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
def title_care(request: HttpRequest, title_id: Id, payload: CareIn) -> Any:
    t = scope.get_title(request.user, title_id, Perm.MEMBER_WRITE)
    return 201, actions.model_care_record(user=request.user, title=t, **payload.dict())


# --------------------------------------------------------------------------- report


@router.get("/care/orgs/{code}/report", summary="服务职工统计（下级范围，某年度）")
def report(
    request: HttpRequest, code: Code, year: int | None = Query(None, ge=2000, le=2100, description="默认今年")
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
