"""The demo county's services to members (seeds 001 and 004), loaded after the member register.

* 2016 skills training (seed 004: "仅2016年就投入农民工培训经费27万元，对农民工7000人进行了技能技术
  培训"): 14 courses for migrant workers, exactly 7,000 trainees drawn from migrant members of the
  register who had joined by the course's start, costs summing to exactly 270,000 yuan; a few
  courses run by township unions draw from their own township. Later years get a few courses too.
* Hardship files (困难职工档案) across the county — open, helped out of hardship, closed — with causes
  (the 8.03 Ludian earthquake of 2014 among them), yearly reviews (some 2026 reviews still due).
* Aid: the 2026 送温暖 round at Spring Festival (closed, all paid), the 2025 金秋助学 round (closed)
  and the 2026 金秋助学 round still under way (part listed, part paid, some eligible files left);
  single records of 助医, 生活救助, 就业援助.
* 劳模: titles for the members the register flags as model workers (a few left unentered, so the
  registry page shows the check), with Spring Festival visits and health checks.

Bulk paths: rows built in memory and written with bulk_create in one transaction; the same rules
as care/actions.py (eligibility from care/selectors.py). Deterministic for a given --seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gonghui.care.actions import file_number, per_capita
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
    ProgrammeStatus,
    ReviewOutcome,
    Trainee,
    TraineeStatus,
    TrainingCourse,
)
from gonghui.core.audit import audit_record
from gonghui.demo.care_tables import (
    CAUSES_BY_CATEGORY,
    COURSES_2016,
    INCOME,
    LATER_COURSES,
    SITUATIONS,
    TITLES,
)
from gonghui.demo.county import TODAY
from gonghui.demo.members import _apportion
from gonghui.members import bulk
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import Org

TRAINEES_2016 = 7_000
COST_2016 = 270_000  # yuan
FILES = 360


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _scope(org: Org) -> dict[str, Any]:
    return {"org_id": org.pk, "org_path": org.path, "province_code": org.province_code}


@transaction.atomic
def load_care(*, seed: int = 2017) -> dict[str, Any]:
    rng = random.Random(f"gonghui-care-{seed}")
    orgs = {o.pk: o for o in Org.objects.all()}
    root = next(o for o in orgs.values() if o.depth == 1)
    by_short = {o.short_name: o for o in orgs.values()}
    # (membership id, person id, org id, path, joined, migrant, model worker)
    current = list(
        Membership.objects.filter(status=MembershipStatus.ACTIVE).order_by("id")
        .values_list("id", "person_id", "org_id", "org_path", "joined_on", "person__is_migrant", "person__is_model_worker")
    )  # fmt: skip
    out: dict[str, Any] = {}
    out["training"] = _training(rng, root, by_short, orgs, current)
    files, file_rows = _files(rng, orgs, current)
    out["files"] = files
    out["aid"] = _aid(rng, root, orgs, file_rows)
    out["model_workers"] = _model_workers(rng, orgs)
    bulk.reset_sequences(HardshipFile, TrainingCourse, AidProgramme, Assistance, ModelWorkerTitle)
    audit_record(
        user=None,
        action="demo.care",
        object_type="demo",
        object_repr=root.name,
        org_path=root.path,
        changes=out,
    )
    return out


# --------------------------------------------------------------------------- training


def _training(
    rng: random.Random,
    root: Org,
    by_short: dict[str, Org],
    orgs: dict[int, Org],
    current: list[tuple[Any, ...]],
) -> dict[str, Any]:
    counts = _apportion(TRAINEES_2016, [c[5] for c in COURSES_2016])
    costs = _apportion(COST_2016, [n * c[6] for n, c in zip(counts, COURSES_2016, strict=True)])
    migrants = [m for m in current if m[5]]
    used: set[int] = set()  # each migrant worker trained once in 2016
    course_id = bulk.next_id(TrainingCourse)
    courses: list[TrainingCourse] = []
    trainees: list[Trainee] = []
    cert_seq = 0
    for i, ((title, trade, provider, organiser, month, _w, _u), n, cost) in enumerate(
        zip(COURSES_2016, counts, costs, strict=True)
    ):
        start = dt.date(2016, month, rng.randint(5, 20))
        org = by_short.get(organiser, root) if organiser else root
        pool = [m for m in migrants if m[3].startswith(org.path) and m[4] <= start and m[1] not in used]
        if len(pool) < n:  # a township too small for its course: the county runs it
            org = root
            pool = [m for m in migrants if m[4] <= start and m[1] not in used]
        chosen = rng.sample(pool, n)
        c = TrainingCourse(
            id=course_id + i, title=f"2016年{title}", trade=trade, starts_on=start, ends_on=start + dt.timedelta(days=rng.choice((5, 7, 10, 15))),
            place=provider if "中心" in provider or "学校" in provider else "会泽县职工服务中心", provider=provider, cost=Decimal(cost),
            source=rng.choice((FundSource.OWN, FundSource.UPPER, FundSource.GOVERNMENT)), for_migrants=True,
            note="县总工会免费举办农民工技术技能培训（seed 004）", **_scope(org),
        )  # fmt: skip
        courses.append(c)
        for m in chosen:
            used.add(m[1])
            certified = rng.random() < 0.92
            cert_seq += certified
            trainees.append(Trainee(
                course_id=c.id, person_id=m[1], is_migrant=True, status=TraineeStatus.COMPLETED, completed_on=c.ends_on,
                certificate_no=f"HZ2016{i + 1:02d}{cert_seq:05d}" if certified else "", **_scope(orgs[m[2]]),
            ))  # fmt: skip
    base = len(courses)
    for j, (title, trade, provider, organiser, start, days, n, course_cost) in enumerate(LATER_COURSES):
        org = by_short.get(organiser, root) if organiser else root
        for_migrants = "农民工" in title
        pool = [
            m for m in (migrants if for_migrants else current) if m[3].startswith(org.path) and m[4] <= start
        ]
        chosen = rng.sample(pool, min(n, len(pool)))
        end = start + dt.timedelta(days=days)
        c = TrainingCourse(id=course_id + base + j, title=title, trade=trade, starts_on=start, ends_on=end, place=provider, provider=provider,
                           cost=course_cost, source=FundSource.OWN, for_migrants=for_migrants, **_scope(org))  # fmt: skip
        courses.append(c)
        finished = end < TODAY
        for k, m in enumerate(chosen):
            dropped = finished and rng.random() < 0.03
            status = (
                TraineeStatus.DROPPED
                if dropped
                else TraineeStatus.COMPLETED
                if finished
                else TraineeStatus.ENROLLED
            )
            trainees.append(Trainee(
                course_id=c.id, person_id=m[1], is_migrant=m[5], status=status, completed_on=end if status == TraineeStatus.COMPLETED else None,
                certificate_no=f"HZ{start.year}{base + j + 1:02d}{k + 1:05d}" if status == TraineeStatus.COMPLETED and rng.random() < 0.8 else "",
                **_scope(orgs[m[2]]),
            ))  # fmt: skip
    TrainingCourse.objects.bulk_create(courses, batch_size=500)
    Trainee.objects.bulk_create(trainees, batch_size=2000)
    return {"courses_2016": len(COURSES_2016), "trainees_2016": sum(counts), "cost_2016": sum(costs),
            "courses": len(courses), "trainees": len(trainees)}  # fmt: skip


# --------------------------------------------------------------------------- hardship files


def _files(
    rng: random.Random, orgs: dict[int, Org], current: list[tuple[Any, ...]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    today = TODAY
    chosen = rng.sample(current, FILES)
    statuses = [FileStatus.OPEN] * 300 + [FileStatus.RELIEVED] * 40 + [FileStatus.CLOSED] * 20
    rng.shuffle(statuses)
    file_id0 = bulk.next_id(HardshipFile)
    files, causes, reviews, rows = [], [], [], []
    for i, (m, status) in enumerate(zip(chosen, statuses, strict=True)):
        fid = file_id0 + i
        category = _weighted(rng, [(Category.DEEP, 30), (Category.RELATIVE, 55), (Category.ACCIDENT, 15)])
        picked = {_weighted(rng, CAUSES_BY_CATEGORY[category])}
        if rng.random() < 0.35:
            picked.add(_weighted(rng, CAUSES_BY_CATEGORY[category]))
        schooling = rng.random() < 0.45
        if schooling:
            picked.add(Cause.SCHOOLING)
        size = rng.randint(3, 6) if schooling else rng.randint(2, 5)
        children = rng.randint(1, min(3, size - 1)) if schooling else (1 if rng.random() < 0.15 else 0)
        lo, hi = INCOME[category]
        income = Decimal(round(rng.randint(lo, hi) * size, -1))
        opened = _day(rng, max(dt.date(2015, 1, 1), m[4]), min(today, dt.date(2026, 6, 30)))
        first_cause = sorted(picked)[0]
        f = HardshipFile(
            id=fid, person_id=m[1], file_no=file_number(opened.year, fid), category=category, household_size=size, household_income=income,
            income_per_capita=per_capita(income, size), children_in_school=children, situation=SITUATIONS[first_cause] + "。",
            opened_on=opened, status=FileStatus.OPEN, **_scope(orgs[m[2]]),
        )  # fmt: skip
        causes += [FileCause(file_id=fid, cause=c) for c in sorted(picked)]
        # yearly reviews: every year after the opening one; 2026 for three in four; an ended file
        # ends at its last review
        years = list(range(opened.year + 1, today.year + 1))
        if years and years[-1] == today.year and rng.random() < 0.25 and status == FileStatus.OPEN:
            years.pop()
        if status != FileStatus.OPEN and not years:
            status = FileStatus.OPEN
        for k, y in enumerate(years):
            last = k == len(years) - 1
            outcome = ReviewOutcome.KEEP
            if last and status != FileStatus.OPEN:
                outcome = ReviewOutcome.RELIEVED if status == FileStatus.RELIEVED else ReviewOutcome.CLOSED
            on = _day(rng, dt.date(y, 3, 1), min(today, dt.date(y, 6, 30)))
            note = {
                ReviewOutcome.RELIEVED: "家庭收入恢复，已解困脱困",
                ReviewOutcome.CLOSED: "职工调离本县，销档",
            }.get(outcome, "")
            reviews.append(HardshipReview(file_id=fid, year=y, reviewed_on=on, outcome=outcome, category=category, household_size=size,
                                          household_income=income, income_per_capita=f.income_per_capita, note=note))  # fmt: skip
            f.last_reviewed_on = on
            if outcome != ReviewOutcome.KEEP:
                f.status = FileStatus.RELIEVED if outcome == ReviewOutcome.RELIEVED else FileStatus.CLOSED
                f.ended_on, f.end_reason = on, note
        files.append(f)
        rows.append({"file": f, "causes": picked})
    HardshipFile.objects.bulk_create(files, batch_size=500)
    FileCause.objects.bulk_create(causes, batch_size=2000)
    HardshipReview.objects.bulk_create(reviews, batch_size=2000)
    by_status: dict[str, int] = defaultdict(int)
    for f in files:
        by_status[f.status] += 1
    return {"files": len(files), **by_status, "reviews": len(reviews)}, rows


# --------------------------------------------------------------------------- aid


def _alive_on(f: HardshipFile, day: dt.date) -> bool:
    return f.opened_on <= day and (f.ended_on is None or f.ended_on > day)


def _aid(rng: random.Random, root: Org, orgs: dict[int, Org], rows: list[dict[str, Any]]) -> dict[str, Any]:
    programmes: list[AidProgramme] = []
    entries: list[ProgrammeEntry] = []
    aid: list[Assistance] = []
    p_id0 = bulk.next_id(AidProgramme)
    a_id = bulk.next_id(Assistance)

    def give(
        f: HardshipFile,
        kind: str,
        amount: Decimal,
        on: dt.date,
        source: str,
        programme: AidProgramme | None = None,
        note: str = "",
    ) -> int:
        nonlocal a_id
        aid.append(Assistance(id=a_id, person_id=f.person_id, file_id=f.pk, programme_id=programme.pk if programme else None, type=kind,
                              amount=amount, given_on=on, source=source, note=note or (programme.name if programme else ""),
                              org_id=f.org_id, org_path=f.org_path, province_code=f.province_code))  # fmt: skip
        a_id += 1
        return a_id - 1

    def round_(name: str, kind: str, year: int, amount: Decimal, source: str, listed_on: dt.date, paid_on: dt.date,
               *, share_listed: float = 1.0, share_paid: float = 1.0, closed: bool = True) -> AidProgramme:  # fmt: skip
        p = AidProgramme(id=p_id0 + len(programmes), name=name, type=kind, year=year, amount_per_person=amount, source=source,
                         status=ProgrammeStatus.CLOSED if closed else ProgrammeStatus.OPEN, **_scope(root),
                         closed_at=timezone.make_aware(dt.datetime.combine(paid_on, dt.time(17))) if closed else None)  # fmt: skip
        programmes.append(p)
        for r in rows:
            f = r["file"]
            if not _alive_on(f, listed_on) or (kind == AidType.SCHOOLING and f.children_in_school < 1):
                continue
            if rng.random() >= share_listed:
                continue
            paid = rng.random() < share_paid
            e = ProgrammeEntry(programme_id=p.pk, file_id=f.pk, person_id=f.person_id, amount=amount, org_id=f.org_id, org_path=f.org_path,
                               province_code=f.province_code, status=EntryStatus.PAID if paid else EntryStatus.LISTED)  # fmt: skip
            if paid:
                e.paid_on = paid_on
                e.assistance_id = give(f, kind, amount, paid_on, source, p)
            entries.append(e)
        return p

    round_(
        "2025年金秋助学",
        AidType.SCHOOLING,
        2025,
        Decimal("1500"),
        FundSource.DONATION,
        dt.date(2025, 8, 10),
        dt.date(2025, 9, 8),
    )
    round_(
        "2026年春节送温暖",
        AidType.WARMTH,
        2026,
        Decimal("800"),
        FundSource.UPPER,
        dt.date(2026, 1, 20),
        dt.date(2026, 2, 6),
    )
    round_("2026年金秋助学", AidType.SCHOOLING, 2026, Decimal("2000"), FundSource.OWN, dt.date(2026, 8, 12), dt.date(2026, 9, 10),
           share_listed=0.75, share_paid=0.6, closed=False)  # fmt: skip

    # single records: 助医 for illness, 生活救助, 就业援助 (2025–2026)
    for r in rows:
        f, causes = r["file"], r["causes"]
        for year in (2025, 2026):
            on = _day(rng, dt.date(year, 3, 1), dt.date(year, 10, 25))
            if not _alive_on(f, on):
                continue
            if Cause.ILLNESS in causes and rng.random() < 0.35:
                give(
                    f,
                    AidType.MEDICAL,
                    Decimal(rng.choice((2000, 3000, 5000, 8000))),
                    on,
                    FundSource.ACFTU,
                    note="大病医疗救助",
                )
            elif f.category == Category.DEEP and rng.random() < 0.3:
                give(
                    f,
                    AidType.LIVING,
                    Decimal(rng.choice((500, 1000, 1500))),
                    on,
                    FundSource.OWN,
                    note="生活救助",
                )
            elif Cause.UNEMPLOYMENT in causes and rng.random() < 0.3:
                give(
                    f,
                    AidType.EMPLOYMENT,
                    Decimal(1000),
                    on,
                    FundSource.GOVERNMENT,
                    note="推荐就业并发放求职补贴",
                )
    AidProgramme.objects.bulk_create(programmes)
    Assistance.objects.bulk_create(aid, batch_size=2000)
    ProgrammeEntry.objects.bulk_create(entries, batch_size=2000)
    return {"programmes": len(programmes), "entries": len(entries), "records": len(aid),
            "amount_yuan": int(sum((a.amount for a in aid), Decimal(0)))}  # fmt: skip


# --------------------------------------------------------------------------- model workers


def _model_workers(rng: random.Random, orgs: dict[int, Org]) -> dict[str, Any]:
    flagged = list(
        Membership.objects.filter(status__in=(MembershipStatus.ACTIVE, MembershipStatus.RETAINED), person__is_model_worker=True)
        .order_by("id").values_list("person_id", "org_id")
    )  # fmt: skip
    keep = [
        m for m in flagged if rng.random() < 0.95
    ]  # the rest: flagged in the register, not yet entered here
    title_id = bulk.next_id(ModelWorkerTitle)
    titles, care = [], []
    order = [ModelLevel.COUNTY, ModelLevel.CITY, ModelLevel.PROVINCIAL, ModelLevel.NATIONAL]
    for person_id, org_id in keep:
        top = _weighted(
            rng,
            [
                (ModelLevel.COUNTY, 55),
                (ModelLevel.CITY, 30),
                (ModelLevel.PROVINCIAL, 12),
                (ModelLevel.NATIONAL, 3),
            ],
        )
        levels = order[: order.index(top) + 1] if rng.random() < 0.4 else [top]
        year = rng.randint(1998, 2016)
        org = orgs[org_id]
        for level in levels:
            name, by = TITLES[level]
            titles.append(
                ModelWorkerTitle(
                    id=title_id,
                    person_id=person_id,
                    level=level,
                    year=min(year, 2025),
                    title=name,
                    awarded_by=by,
                    **_scope(org),
                )
            )
            year += rng.randint(2, 5)
            title_id += 1
        best = titles[-1]
        care.append(ModelWorkerCare(title_id=best.id, person_id=person_id, kind=CareKind.VISIT, on=dt.date(2026, 2, rng.randint(2, 12)),
                                    amount=Decimal(1000 if top in (ModelLevel.PROVINCIAL, ModelLevel.NATIONAL) else 500),
                                    note="春节走访慰问", **_scope(org)))  # fmt: skip
        if top in (ModelLevel.PROVINCIAL, ModelLevel.NATIONAL):
            care.append(ModelWorkerCare(title_id=best.id, person_id=person_id, kind=CareKind.HEALTH, on=dt.date(2026, 5, rng.randint(10, 28)),
                                        amount=Decimal(0), note="劳模年度健康体检", **_scope(org)))  # fmt: skip
    ModelWorkerTitle.objects.bulk_create(titles, batch_size=1000)
    ModelWorkerCare.objects.bulk_create(care, batch_size=1000)
    return {
        "people": len(keep),
        "titles": len(titles),
        "care": len(care),
        "flagged_not_entered": len(flagged) - len(keep),
    }
