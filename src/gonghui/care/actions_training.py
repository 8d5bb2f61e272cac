"""Skills training (courses, trainees, completion) and the 劳模 registry.

* 农民工专项 courses (seed 004: 2016 农民工技能培训) admit migrant workers only.
* Person.is_model_worker belongs to the register (members/): the register has no action that sets
  it alone, so the 劳模 registry here is kept on its own and never writes to Person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.models import (
    CareKind,
    FundSource,
    ModelLevel,
    ModelWorkerCare,
    ModelWorkerTitle,
    Trainee,
    TraineeStatus,
    TrainingCourse,
)  # fmt: skip
from gonghui.care.rules import FIRST_YEAR, _choice, _past, _scope_of, _text, _user, money
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

# --------------------------------------------------------------------------- training

COURSE_FIELDS = (
    "title",
    "trade",
    "starts_on",
    "ends_on",
    "place",
    "provider",
    "cost",
    "source",
    "for_migrants",
    "note",
)


def _course_data(*, title: str, trade: str, starts_on: dt.date, ends_on: dt.date, place: str, provider: str, cost: Any,
                 source: str = FundSource.OWN, for_migrants: bool = False, note: str = "") -> dict[str, Any]:  # fmt: skip
    data = {
        "title": _text(title, 80),
        "trade": _text(trade, 40),
        "place": _text(place, 80),
        "provider": _text(provider, 80),
    }
    for k, label in (
        ("title", _("培训名称")),
        ("trade", _("工种/专业")),
        ("place", _("培训地点")),
        ("provider", _("培训机构")),
    ):
        if not data[k]:
            raise ApplicationError(_("请填写%(f)s。") % {"f": label}, code="required", details={"field": k})
    if starts_on is None or ends_on is None:
        raise ApplicationError(_("请填写培训日期。"), code="required", details={"field": "starts_on"})
    if ends_on < starts_on:
        raise ApplicationError(
            _("结束日期不能早于开始日期。"), code="date_order", details={"field": "ends_on"}
        )
    if starts_on.year < FIRST_YEAR or starts_on > timezone.localdate() + dt.timedelta(days=366):
        raise ApplicationError(_("开始日期不合理。"), code="date", details={"field": "starts_on"})
    _choice(source, FundSource, "source", _("经费来源"))
    return {**data, "starts_on": starts_on, "ends_on": ends_on, "cost": money(cost, "cost"), "source": source,
            "for_migrants": bool(for_migrants), "note": _text(note, 200)}  # fmt: skip


@transaction.atomic
def course_create(*, user: Any, org: Org, **fields: Any) -> TrainingCourse:
    """A training course run or paid for by `org`; trainees come from the register of its subtree."""
    if not org.is_active:
        raise ApplicationError(_("“%(name)s”已撤销或合并。") % {"name": org.name}, code="org_inactive")
    data = _course_data(**{k: v for k, v in fields.items() if k in COURSE_FIELDS})
    c = TrainingCourse.objects.create(created_by=_user(user), **_scope_of(org), **data)
    audit_record(user=_user(user), action="care.course.create", obj=c, org_path=c.org_path,
                 changes={"starts_on": str(c.starts_on), "cost": str(c.cost)})  # fmt: skip
    return c


@transaction.atomic
def course_update(*, user: Any, course: TrainingCourse, **fields: Any) -> TrainingCourse:
    c = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    current = {k: getattr(c, k) for k in COURSE_FIELDS}
    data = _course_data(**{**current, **{k: v for k, v in fields.items() if k in COURSE_FIELDS}})
    if data["for_migrants"] and not current["for_migrants"] and c.trainees.filter(is_migrant=False).exists():
        raise ApplicationError(
            _("已有非农民工学员，不能改为农民工专项。"),
            code="for_migrants",
            details={"field": "for_migrants"},
        )
    changes = {k: [str(current[k]), str(v)] for k, v in data.items() if current[k] != v}
    for k, v in data.items():
        setattr(c, k, v)
    if changes:
        c.save()
        audit_record(
            user=_user(user), action="care.course.update", obj=c, org_path=c.org_path, changes=changes
        )
    return c


@transaction.atomic
def trainees_add(*, user: Any, course: TrainingCourse, memberships: Sequence[Membership]) -> int:
    """Enrol members of the course's subtree (current memberships). A person is on a course once;
    a 农民工专项 course takes migrant workers only. All or nothing."""
    c = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    ms = list({m.pk: m for m in memberships}.values())
    if not ms:
        raise ApplicationError(_("请填写学员。"), code="required", details={"field": "members"})
    outside = [m for m in ms if not m.org_path.startswith(c.org_path) or not m.is_current]
    if outside:
        raise ApplicationError(_("以下会员不在本培训班主办工会范围内或会籍已终止：%(n)s") % {"n": "、".join(m.person.name for m in outside[:5])},
                               code="trainee_scope", details={"field": "members"})  # fmt: skip
    if c.for_migrants and (non := [m for m in ms if not m.person.is_migrant]):
        raise ApplicationError(_("农民工专项培训只招收农民工：%(n)s 不是农民工。") % {"n": "、".join(m.person.name for m in non[:5])},
                               code="not_migrant", details={"field": "members"})  # fmt: skip
    dup = set(
        Trainee.objects.filter(course=c, person_id__in=[m.person_id for m in ms]).values_list(
            "person_id", flat=True
        )
    )
    if dup:
        raise ConflictError(_("以下会员已在本培训班：%(n)s") % {"n": "、".join(m.person.name for m in ms if m.person_id in dup)[:200]},
                            code="trainee_exists", details={"field": "members"})  # fmt: skip
    Trainee.objects.bulk_create(
        [
            Trainee(course=c, person_id=m.person_id, is_migrant=m.person.is_migrant, **_scope_of(m.org))
            for m in ms
        ]
    )
    audit_record(
        user=_user(user), action="care.course.enrol", obj=c, org_path=c.org_path, changes={"added": len(ms)}
    )
    return len(ms)


@transaction.atomic
def trainees_complete(
    *, user: Any, course: TrainingCourse, items: Sequence[tuple[Trainee, str]], completed_on: dt.date
) -> int:
    """Mark trainees as completed (结业), each with a certificate number if one was issued. Not
    before the course started."""
    c = TrainingCourse.objects.get(pk=course.pk)
    completed_on = _past(completed_on, "completed_on")
    if completed_on < c.starts_on:
        raise ApplicationError(
            _("结业日期不能早于开班日期。"), code="date_order", details={"field": "completed_on"}
        )
    if not items:
        raise ApplicationError(_("请先选择学员。"), code="required", details={"field": "trainees"})
    by_id = {t.pk: _text(cert, 40) for t, cert in items}
    rows = list(Trainee.objects.select_for_update().filter(course=c, pk__in=by_id))
    if len(rows) != len(by_id):
        raise ApplicationError(_("所选学员不在本培训班。"), code="not_trainee", details={"field": "trainees"})
    for t in rows:
        t.status, t.completed_on = TraineeStatus.COMPLETED, completed_on
        t.certificate_no = by_id[t.pk] or t.certificate_no
    Trainee.objects.bulk_update(rows, ["status", "completed_on", "certificate_no"])
    audit_record(
        user=_user(user),
        action="care.course.complete",
        obj=c,
        org_path=c.org_path,
        changes={"completed": len(rows)},
    )
    return len(rows)


@transaction.atomic
def trainees_drop(*, user: Any, course: TrainingCourse, trainees: Sequence[Trainee]) -> int:
    """Trainees who did not finish: they no longer count in trainees or cost per trainee."""
    c = TrainingCourse.objects.get(pk=course.pk)
    ids_ = [t.pk for t in trainees]
    if not ids_:
        raise ApplicationError(_("请先选择学员。"), code="required", details={"field": "trainees"})
    n = Trainee.objects.filter(course=c, pk__in=ids_).update(status=TraineeStatus.DROPPED, completed_on=None)
    if n != len(set(ids_)):
        raise ApplicationError(_("所选学员不在本培训班。"), code="not_trainee", details={"field": "trainees"})
    audit_record(
        user=_user(user), action="care.course.drop", obj=c, org_path=c.org_path, changes={"dropped": n}
    )
    return n


# --------------------------------------------------------------------------- model workers


@transaction.atomic
def title_register(
    *, user: Any, membership: Membership, level: str, year: int, title: str, awarded_by: str = "", note: str = "",
) -> ModelWorkerTitle:  # fmt: skip
    """Enter an honour in the 劳模 registry (it belongs to the member's union)."""
    m = Membership.objects.select_related("person", "org").get(pk=membership.pk)
    if not m.is_current:
        raise ApplicationError(
            _("“%(name)s”的会籍已终止。") % {"name": m.person.name},
            code="membership_ended",
            details={"field": "member"},
        )
    _choice(level, ModelLevel, "level", _("级别"))
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise ApplicationError(
            _("授予年度应在 %(a)d 至 %(b)d 之间。") % {"a": FIRST_YEAR, "b": this_year},
            code="year",
            details={"field": "year"},
        )
    title = _text(title, 60)
    if not title:
        raise ApplicationError(_("请填写称号。"), code="required", details={"field": "title"})
    if ModelWorkerTitle.objects.filter(person=m.person, level=level, year=year, title=title).exists():
        raise ConflictError(_("该称号已登记。"), code="title_exists", details={"field": "title"})
    t = ModelWorkerTitle.objects.create(person=m.person, level=level, year=year, title=title, awarded_by=_text(awarded_by, 80),
                                        note=_text(note, 200), created_by=_user(user), **_scope_of(m.org))  # fmt: skip
    audit_record(user=_user(user), action="care.model.register", obj=t, org_path=t.org_path, object_repr=f"{m.person.name} {t}",
                 changes={"level": level, "year": year})  # fmt: skip
    return t


@transaction.atomic
def model_care_record(
    *, user: Any, title: ModelWorkerTitle, kind: str, on: dt.date, amount: Any = 0, note: str = ""
) -> ModelWorkerCare:
    """Care given to a model worker (走访慰问, 体检, 疗休养, 补助…); amount may be zero (a visit)."""
    t = ModelWorkerTitle.objects.select_related("org", "person").get(pk=title.pk)
    _choice(kind, CareKind, "kind", _("关爱类别"))
    on = _past(on, "on")
    amount = money(amount if amount not in (None, "") else 0, "amount")
    rec = ModelWorkerCare.objects.create(title=t, person_id=t.person_id, kind=kind, on=on, amount=amount, note=_text(note, 200),
                                         recorded_by=_user(user), **_scope_of(t.org))  # fmt: skip
    audit_record(user=_user(user), action="care.model.care", obj=rec, org_path=rec.org_path, object_repr=f"{t.person.name} {rec}",
                 changes={"kind": kind, "amount": str(amount)})  # fmt: skip
    return rec
