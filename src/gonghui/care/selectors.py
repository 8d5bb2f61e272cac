"""Reads of the care app: eligibility for aid rounds, summaries, figures for reports and the CLI.

Every function takes a path prefix or an object the caller already got through the gatekeeper
(care/scope.py); none of them checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.care.models import (
    AidProgramme,
    AidType,
    Assistance,
    CareKind,
    Category,
    Cause,
    EntryStatus,
    FileCause,
    FileStatus,
    FundSource,
    HardshipFile,
    HardshipReview,
    ModelLevel,
    ModelWorkerCare,
    ModelWorkerTitle,
    ProgrammeEntry,
    Trainee,
    TraineeStatus,
    TrainingCourse,
)  # fmt: skip
from gonghui.care.rules import cost_per_trainee
from gonghui.members.models import CURRENT_STATUSES, Membership
from gonghui.orgs.models import Org, OrgStatus


def yuan(d: Decimal | int | None) -> int | float:
    """Yuan for JSON: a whole amount as an integer (270000), else a number to the fen."""
    d = Decimal(d or 0)
    return int(d) if d == d.to_integral_value() else float(round(d, 2))


def _has_cause(*causes: str) -> Q:
    # an uncorrelated subquery: Citus refuses one correlated on a coordinator table next to the
    # join with person (docs/decisions.md "National scale on Citus")
    return Q(pk__in=FileCause.objects.filter(cause__in=causes).values("file_id"))


# --------------------------------------------------------------------------- files


@dataclass
class FileFilters:
    q: str = ""  # name or file number
    category: str = ""
    status: str = "open"  # open / relieved / closed / all
    cause: str = ""
    org: str = ""  # a union code: that subtree
    due: str = ""  # "1": open files still to review this year

    def as_dict(self) -> dict[str, str]:
        return dict(vars(self))


def file_search(
    qs: QuerySet[HardshipFile], f: FileFilters, *, under: Org | None = None, year: int | None = None
) -> QuerySet[HardshipFile]:
    if under is not None:
        qs = qs.filter(org_path__startswith=under.path)
    if f.status in FileStatus.values:
        qs = qs.filter(status=f.status)
    if f.category in Category.values:
        qs = qs.filter(category=f.category)
    if f.cause in Cause.values:
        qs = qs.filter(_has_cause(f.cause))
    if q := f.q.strip():
        qs = qs.filter(Q(person__name__contains=q) | Q(file_no=q.upper()))
    if f.due == "1" and year:
        qs = due_for_review(qs, year)
    return qs.select_related("person", "org").order_by("org_path", "-opened_on", "-id")


def due_for_review(qs: QuerySet[HardshipFile], year: int) -> QuerySet[HardshipFile]:
    """年度复核: open files opened before `year` and not yet reviewed for it."""
    reviewed = HardshipReview.objects.filter(year=year).values("file_id")  # uncorrelated, as _has_cause
    return qs.filter(status=FileStatus.OPEN, opened_on__year__lt=year).exclude(pk__in=reviewed)


# --------------------------------------------------------------------------- aid rounds

# Who a round may list, by its aid type: open files in the running union's subtree and …
ELIGIBILITY: dict[str, tuple[Q | Exists | None, Any]] = {
    AidType.SCHOOLING: (
        Q(children_in_school__gte=1),
        gettext_lazy("在档困难职工家庭有在学子女（在学子女数 ≥ 1）"),
    ),
    AidType.MEDICAL: (
        _has_cause(Cause.ILLNESS, Cause.DISABILITY),
        gettext_lazy("在档困难职工，致困原因含患病或残疾"),
    ),
    AidType.EMPLOYMENT: (_has_cause(Cause.UNEMPLOYMENT), gettext_lazy("在档困难职工，致困原因含失业下岗")),
    AidType.WARMTH: (None, gettext_lazy("全部在档困难职工")),
    AidType.LIVING: (None, gettext_lazy("全部在档困难职工")),
}


def eligibility_text(aid_type: str) -> str:
    return str(ELIGIBILITY[aid_type][1])


def eligible_files(programme: AidProgramme) -> QuerySet[HardshipFile]:
    """The files a round may still list: open, in its subtree, meeting its type's rule, opened by
    the end of its year, and not yet on its list (withdrawn entries stay off too)."""
    rule = ELIGIBILITY[programme.type][0]
    qs = HardshipFile.objects.filter(
        org_path__startswith=programme.org_path, status=FileStatus.OPEN, opened_on__year__lte=programme.year
    )
    if rule is not None:
        qs = qs.filter(rule)
    listed = ProgrammeEntry.objects.filter(programme=programme, person=OuterRef("person"))
    # persons in a second query (prefetch): on Citus a join of these coordinator tables with the
    # distributed person table, under the EXISTS, is refused
    return (
        qs.exclude(Exists(listed)).select_related("org").prefetch_related("person").order_by("org_path", "id")
    )


def programme_summary(programme: AidProgramme) -> dict[str, Any]:
    """Counts and sums of a round's list, overall and per union one level below the running one."""
    entries = ProgrammeEntry.objects.filter(programme=programme)
    total = entries.aggregate(
        listed=Count("id", filter=Q(status=EntryStatus.LISTED)), paid=Count("id", filter=Q(status=EntryStatus.PAID)),
        withdrawn=Count("id", filter=Q(status=EntryStatus.WITHDRAWN)), paid_amount=Sum("amount", filter=Q(status=EntryStatus.PAID)),
        listed_amount=Sum("amount", filter=Q(status=EntryStatus.LISTED)),
    )  # fmt: skip
    total["paid_amount"] = total["paid_amount"] or Decimal(0)
    total["listed_amount"] = total["listed_amount"] or Decimal(0)
    by_category: dict[str, Any] = {
        row["file__category"]: row for row in entries.exclude(status=EntryStatus.WITHDRAWN).values("file__category")
        .annotate(n=Count("id"), paid=Count("id", filter=Q(status=EntryStatus.PAID)), amount=Sum("amount", filter=Q(status=EntryStatus.PAID)))
    }  # fmt: skip
    total["by_category"] = [
        {"category": label, "n": by_category.get(k, {}).get("n", 0), "paid": by_category.get(k, {}).get("paid", 0),
         "amount": by_category.get(k, {}).get("amount") or Decimal(0)}
        for k, label in Category.choices
    ]  # fmt: skip
    total["by_org"] = _by_child(programme.org, entries.exclude(status=EntryStatus.WITHDRAWN), {
        "n": Count("id"), "paid": Count("id", filter=Q(status=EntryStatus.PAID)), "amount": Sum("amount", filter=Q(status=EntryStatus.PAID)),
    })  # fmt: skip
    total["eligible_left"] = eligible_files(programme).count() if programme.is_open else 0
    return total


def _by_child(org: Org, qs: QuerySet[Any], aggregates: dict[str, Any]) -> list[dict[str, Any]]:
    """Aggregate rows of `qs` (which carry org_path) per child of `org`; rows of the org itself
    come under the org's own name. One query, grouped on the path prefix."""
    length = len(org.path) + Org.steplen
    rows = {
        r["p"]: r for r in qs.annotate(p=Substr("org_path", 1, length)).values("p").annotate(**aggregates)
    }
    if not rows:
        return []
    names = dict(Org.objects.filter(path__in=rows).values_list("path", "name"))
    out = []
    for p, r in sorted(rows.items()):
        name = names.get(p) or org.name
        out.append({"org": name, **{k: r[k] for k in aggregates}})
    return out


# --------------------------------------------------------------------------- training


def course_list(qs: QuerySet[TrainingCourse]) -> QuerySet[TrainingCourse]:
    return qs.select_related("org").annotate(
        n=Count("trainees", filter=~Q(trainees__status=TraineeStatus.DROPPED)),
        done=Count("trainees", filter=Q(trainees__status=TraineeStatus.COMPLETED)),
    )


def course_figures(course: TrainingCourse) -> dict[str, Any]:
    agg = course.trainees.aggregate(
        n=Count("id", filter=~Q(status=TraineeStatus.DROPPED)), done=Count("id", filter=Q(status=TraineeStatus.COMPLETED)),
        dropped=Count("id", filter=Q(status=TraineeStatus.DROPPED)), migrants=Count("id", filter=Q(is_migrant=True) & ~Q(status=TraineeStatus.DROPPED)),
        certified=Count("id", filter=Q(status=TraineeStatus.COMPLETED) & ~Q(certificate_no="")),
    )  # fmt: skip
    agg["cost_per_trainee"] = cost_per_trainee(course.cost, agg["n"])
    return agg


def training_by_year(prefix: str) -> list[dict[str, Any]]:
    """Per year (the year a course starts): courses, trainees (人次, not dropped), completed,
    migrant trainees, cost and cost per trainee."""
    courses = TrainingCourse.objects.filter(org_path__startswith=prefix)
    out: dict[int, dict[str, Any]] = {}
    for c in courses.values("starts_on", "cost"):
        y = out.setdefault(
            c["starts_on"].year, {"year": c["starts_on"].year, "courses": 0, "cost": Decimal(0)}
        )
        y["courses"] += 1
        y["cost"] += c["cost"]
    people = Trainee.objects.filter(course__org_path__startswith=prefix).exclude(status=TraineeStatus.DROPPED)
    for t in people.values("course__starts_on", "status", "is_migrant").annotate(n=Count("id")):
        y = out[t["course__starts_on"].year]
        y["trainees"] = y.get("trainees", 0) + t["n"]
        y["completed"] = y.get("completed", 0) + (t["n"] if t["status"] == TraineeStatus.COMPLETED else 0)
        y["migrants"] = y.get("migrants", 0) + (t["n"] if t["is_migrant"] else 0)
    rows = []
    for year in sorted(out, reverse=True):
        y = {"trainees": 0, "completed": 0, "migrants": 0, **out[year]}
        y["cost_per_trainee"] = cost_per_trainee(y["cost"], y["trainees"])
        rows.append(y)
    return rows


# --------------------------------------------------------------------------- figures for a year


def year_figures(org: Org, year: int) -> dict[str, Any]:
    """For `gonghui stats --year`: courses starting in the year in the subtree, their trainees
    (人次, not dropped) and cost; aid given in the year: distinct people and amount."""
    courses = TrainingCourse.objects.filter(org_path__startswith=org.path, starts_on__year=year)
    c = courses.aggregate(n=Count("id"), cost=Sum("cost"))
    trainees = Trainee.objects.filter(course__in=courses).exclude(status=TraineeStatus.DROPPED).count()
    a = Assistance.objects.filter(org_path__startswith=org.path, given_on__year=year).aggregate(
        people=Count("person", distinct=True), amount=Sum("amount")
    )
    return {
        "training": {"courses": c["n"], "trainees": trainees, "cost_yuan": yuan(c["cost"])},
        "assistance": {"people": a["people"], "amount_yuan": yuan(a["amount"])},
    }


# --------------------------------------------------------------------------- model workers


def flagged_unregistered(prefix: str) -> QuerySet[Membership]:
    """Current members the register marks as 劳模 (Person.is_model_worker) with no honour in the
    registry here: to be entered. The titled persons as an uncorrelated subquery: Citus refuses a
    correlated one over this coordinator table next to the distributed register."""
    titled = ModelWorkerTitle.objects.values("person_id")
    return (
        Membership.objects.filter(org_path__startswith=prefix, status__in=CURRENT_STATUSES, person__is_model_worker=True)
        .exclude(person_id__in=titled).select_related("person", "org").order_by("org_path", "id")
    )  # fmt: skip


def model_workers_by_level(prefix: str) -> list[dict[str, Any]]:
    """People per highest level held (a national model worker with a county title counts once, as national)."""
    order: list[str] = [ModelLevel.NATIONAL, ModelLevel.PROVINCIAL, ModelLevel.CITY, ModelLevel.COUNTY]
    best: dict[int, int] = {}
    for pid, level in ModelWorkerTitle.objects.filter(org_path__startswith=prefix).values_list(
        "person_id", "level"
    ):
        rank = order.index(level)
        best[pid] = min(best.get(pid, rank), rank)
    counts = [0] * len(order)
    for rank in best.values():
        counts[rank] += 1
    return [{"level": ModelLevel(k).label, "people": n} for k, n in zip(order, counts, strict=True)]


# --------------------------------------------------------------------------- the report


def report(org: Org, year: int) -> dict[str, Any]:
    """The services report of a subtree: hardship files by category (now), aid in `year` by type
    and source, training per year, model workers by level and their care in `year`, and a line per
    union one level down. Counts and sums only, no names."""
    prefix = org.path
    files = HardshipFile.objects.filter(org_path__startswith=prefix)
    open_files = files.filter(status=FileStatus.OPEN)
    by_cat = dict(open_files.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    by_status = dict(files.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_cause = dict(
        FileCause.objects.filter(file__in=open_files)
        .values_list("cause")
        .annotate(n=Count("id"))
        .values_list("cause", "n")
    )
    aid = Assistance.objects.filter(org_path__startswith=prefix, given_on__year=year)
    aid_types: dict[str, Any] = {
        r["type"]: r
        for r in aid.values("type").annotate(
            n=Count("id"), people=Count("person", distinct=True), amount=Sum("amount")
        )
    }
    aid_sources: dict[str, Any] = {
        r["source"]: r for r in aid.values("source").annotate(n=Count("id"), amount=Sum("amount"))
    }
    aid_total = aid.aggregate(n=Count("id"), people=Count("person", distinct=True), amount=Sum("amount"))
    care = ModelWorkerCare.objects.filter(org_path__startswith=prefix, on__year=year)
    care_kinds: dict[str, Any] = {
        r["kind"]: r for r in care.values("kind").annotate(n=Count("id"), amount=Sum("amount"))
    }
    children = _children_lines(org, year)
    return {
        "org": org, "year": year,
        "files": {
            "open": sum(by_cat.values()), "relieved": by_status.get(FileStatus.RELIEVED, 0), "closed": by_status.get(FileStatus.CLOSED, 0),
            "by_category": [{"key": k, "label": label, "n": by_cat.get(k, 0)} for k, label in Category.choices],
            "by_cause": [{"key": k, "label": label, "n": by_cause.get(k, 0)} for k, label in Cause.choices],
            "due_review": due_for_review(files, year).count(),
        },
        "aid": {
            "by_type": [{"key": k, "label": label, "n": aid_types.get(k, {}).get("n", 0), "people": aid_types.get(k, {}).get("people", 0),
                         "amount": aid_types.get(k, {}).get("amount") or Decimal(0)} for k, label in AidType.choices],
            "by_source": [{"key": k, "label": label, "n": aid_sources.get(k, {}).get("n", 0),
                           "amount": aid_sources.get(k, {}).get("amount") or Decimal(0)} for k, label in FundSource.choices],
            "n": aid_total["n"], "people": aid_total["people"], "amount": aid_total["amount"] or Decimal(0),
        },
        "training": training_by_year(prefix),
        "models": {
            "by_level": model_workers_by_level(prefix),
            "care": [{"label": label, "n": care_kinds.get(k, {}).get("n", 0), "amount": care_kinds.get(k, {}).get("amount") or Decimal(0)}
                     for k, label in CareKind.choices],
            "unregistered": flagged_unregistered(prefix).count(),
        },
        "children": children,
    }  # fmt: skip


def _children_lines(org: Org, year: int) -> list[dict[str, Any]]:
    """Per union one level down: open files, aid in the year (people, amount), trainees in the year."""
    kids = list(Org.objects.get_children(org).filter(status=OrgStatus.ACTIVE).order_by("path"))
    if not kids:
        return []
    length = len(org.path) + Org.steplen

    def grouped(qs: QuerySet[Any], path_field: str, **agg: Any) -> dict[str, dict[str, Any]]:
        return {r["p"]: r for r in qs.annotate(p=Substr(path_field, 1, length)).values("p").annotate(**agg)}

    files = grouped(
        HardshipFile.objects.filter(org_path__startswith=org.path, status=FileStatus.OPEN),
        "org_path",
        n=Count("id"),
    )
    aid = grouped(Assistance.objects.filter(org_path__startswith=org.path, given_on__year=year), "org_path",
                  people=Count("person", distinct=True), amount=Sum("amount"))  # fmt: skip
    trainees = grouped(Trainee.objects.filter(org_path__startswith=org.path, course__starts_on__year=year).exclude(status=TraineeStatus.DROPPED),
                       "org_path", n=Count("id"))  # fmt: skip
    return [
        {"org": k, "files": files.get(k.path, {}).get("n", 0), "aid_people": aid.get(k.path, {}).get("people", 0),
         "aid_amount": aid.get(k.path, {}).get("amount") or Decimal(0), "trainees": trainees.get(k.path, {}).get("n", 0)}
        for k in kids
    ]  # fmt: skip


def report_rows(r: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The report as rows for one xlsx sheet: (部分, 项目, 数量, 人数, 金额)."""
    rows: list[tuple[Any, ...]] = []
    files = r["files"]
    for c in files["by_category"]:
        rows.append((_("在档困难职工（按类别）"), c["label"], c["n"], c["n"], None))
    rows.append((_("在档困难职工（按类别）"), _("合计"), files["open"], files["open"], None))
    for c in files["by_cause"]:
        rows.append((_("在档困难职工（按致困原因）"), c["label"], c["n"], None, None))
    rows.append((_("档案状态"), _("已解困脱困"), files["relieved"], None, None))
    rows.append((_("档案状态"), _("已销档"), files["closed"], None, None))
    rows.append((_("档案状态"), _("%(y)d 年度待复核") % {"y": r["year"]}, files["due_review"], None, None))
    for a in r["aid"]["by_type"]:
        rows.append(
            (
                _("%(y)d 年帮扶（按类型）") % {"y": r["year"]},
                a["label"],
                a["n"],
                a["people"],
                float(a["amount"]),
            )
        )
    rows.append(
        (
            _("%(y)d 年帮扶（按类型）") % {"y": r["year"]},
            _("合计"),
            r["aid"]["n"],
            r["aid"]["people"],
            float(r["aid"]["amount"]),
        )
    )
    for a in r["aid"]["by_source"]:
        rows.append(
            (_("%(y)d 年帮扶（按资金来源）") % {"y": r["year"]}, a["label"], a["n"], None, float(a["amount"]))
        )
    for t in r["training"]:
        label = _("%(y)d 年（每人 %(c)s 元）") % {
            "y": t["year"],
            "c": t["cost_per_trainee"] if t["cost_per_trainee"] is not None else "—",
        }
        rows.append((_("技能培训（按年度）"), label, t["courses"], t["trainees"], float(t["cost"])))
    for m in r["models"]["by_level"]:
        rows.append((_("劳模（按最高级别）"), m["level"], m["people"], m["people"], None))
    for m in r["models"]["care"]:
        rows.append((_("%(y)d 年劳模关爱") % {"y": r["year"]}, m["label"], m["n"], None, float(m["amount"])))
    for c in r["children"]:
        rows.append((_("下级工会"), c["org"].name, c["files"], c["aid_people"], float(c["aid_amount"])))
    return rows


def entries_to_pay(programme: AidProgramme) -> list[ProgrammeEntry]:
    """The round's entries still waiting for payment (发放)."""
    return list(ProgrammeEntry.objects.filter(programme=programme, status=EntryStatus.LISTED))


def open_files_count(prefix: str) -> int:
    return HardshipFile.objects.filter(org_path__startswith=prefix, status=FileStatus.OPEN).count()


def open_file_of(person: Any, prefix: str) -> HardshipFile | None:
    """The person's open hardship file under `prefix` (aid given to them is recorded on it)."""
    return HardshipFile.objects.filter(
        person=person, status=FileStatus.OPEN, org_path__startswith=prefix
    ).first()


def file_due_for_review(f: HardshipFile, year: int) -> bool:
    """An open file opened before `year` and not yet reviewed that year."""
    return f.is_open and f.opened_on.year < year and not f.reviews.filter(year=year).exists()


def current_membership(person: Any, prefix: str) -> Membership | None:
    return person.memberships.filter(status__in=CURRENT_STATUSES, org_path__startswith=prefix).first()


def titles_of(person: Any, prefix: str) -> QuerySet[ModelWorkerTitle]:
    return ModelWorkerTitle.objects.filter(person=person, org_path__startswith=prefix).order_by("-year")


def model_care_of(person: Any, prefix: str) -> QuerySet[ModelWorkerCare]:
    return ModelWorkerCare.objects.filter(person=person, org_path__startswith=prefix).select_related(
        "title", "recorded_by"
    )
