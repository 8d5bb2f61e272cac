"""Every write of the care app: hardship files, aid, aid rounds, training, model workers.

Each action is keyword-only, atomic and audited; pages, the API and the tests come through here
(the demo writes in bulk, following the same rules). Rules and their sources:

* 困难职工档案 (seed 001: 困难职工帮扶中心; seed 001/第四篇: 建立完善困难职工档案, 脱困解困): a file
  is opened for a current member; one open file per person; reviewed once a year (年度复核); it
  ends when the household is helped out of hardship (解困脱困) or the file is closed (销档).
* 子女上学 as a cause needs at least one child in school; a 金秋助学 round takes the open files
  with a child in school (seed 001: 金秋助学).
* Money: yuan as Decimal with two places, never negative; aid amounts above zero.
* 农民工专项 courses (seed 004: 2016 农民工技能培训) admit migrant workers only.
* Person.is_model_worker belongs to the register (members/): the register has no action that sets
  it alone, so the 劳模 registry here is kept on its own and never writes to Person.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.models import (
    CENT,
    AidProgramme,
    AidType,
    Assistance,
    CareKind,
    Category,
    Cause,
    DocKind,
    EntryStatus,
    FileCause,
    FileStatus,
    FundSource,
    HardshipDocument,
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
)  # fmt: skip
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

MAX_MONEY = Decimal("9999999999.99")
MAX_HOUSEHOLD = 30
FIRST_YEAR = 1950

# Uploads: what a supporting document may be, told by its first bytes, not its name.
UPLOAD_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _scope_of(org: Org) -> dict[str, Any]:
    return {"org": org, "org_path": org.path, "province_code": org.province_code}


def money(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """Yuan as Decimal with two places; refuses negatives (and zero when `positive`)."""
    try:
        d = (
            Decimal(str(value).strip().replace(",", ""))
            if value is not None and str(value).strip() != ""
            else None
        )
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise ApplicationError(_("请填写金额（元）。"), code="amount", details={"field": field})
    d = d.quantize(CENT, rounding=ROUND_HALF_UP)
    if d < 0 or (positive and d == 0):
        raise ApplicationError(
            _("金额必须大于零。") if positive else _("金额不能为负数。"),
            code="amount",
            details={"field": field},
        )
    if d > MAX_MONEY:
        raise ApplicationError(_("金额过大。"), code="amount", details={"field": field})
    return d


def _past(on: dt.date | None, field: str) -> dt.date:
    if on is None:
        raise ApplicationError(_("请填写日期。"), code="required", details={"field": field})
    if on > timezone.localdate():
        raise ApplicationError(_("日期不能晚于今天。"), code="future_date", details={"field": field})
    if on.year < FIRST_YEAR:
        raise ApplicationError(_("日期过早。"), code="date", details={"field": field})
    return on


def _choice(value: str, choices: Any, field: str, label: str) -> str:
    if value not in choices.values:
        raise ApplicationError(
            _("%(label)s“%(v)s”无效。") % {"label": label, "v": str(value)[:20]},
            code="choice",
            details={"field": field},
        )
    return value


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def per_capita(income: Decimal, size: int) -> Decimal:
    """家庭月人均收入 = household monthly income ÷ household size, to the fen."""
    return (income / size).quantize(CENT, rounding=ROUND_HALF_UP)


def cost_per_trainee(cost: Decimal | None, trainees: int) -> Decimal | None:
    """A course's (or a year's) cost divided by the trainees who did not drop out; None for none."""
    if not trainees or cost is None:
        return None
    return (Decimal(cost) / trainees).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- hardship files


def _household(
    *,
    category: str,
    household_size: int,
    household_income: Any,
    causes: Sequence[str],
    children_in_school: int,
) -> dict[str, Any]:
    _choice(category, Category, "category", _("困难类别"))
    if not isinstance(household_size, int) or not 1 <= household_size <= MAX_HOUSEHOLD:
        raise ApplicationError(
            _("家庭人口应为 1 至 %(n)d 人。") % {"n": MAX_HOUSEHOLD},
            code="household_size",
            details={"field": "household_size"},
        )
    income = money(household_income, "household_income")
    causes = list(dict.fromkeys(causes or []))
    if not causes:
        raise ApplicationError(_("请至少选择一项致困原因。"), code="causes", details={"field": "causes"})
    for c in causes:
        _choice(c, Cause, "causes", _("致困原因"))
    if not isinstance(children_in_school, int) or children_in_school < 0:
        raise ApplicationError(
            _("在学子女数不能为负数。"), code="children", details={"field": "children_in_school"}
        )
    if children_in_school >= household_size:
        raise ApplicationError(
            _("在学子女数应少于家庭人口（家庭人口含职工本人）。"),
            code="children",
            details={"field": "children_in_school"},
        )
    if Cause.SCHOOLING in causes and children_in_school < 1:
        raise ApplicationError(
            _("致困原因含“子女上学”时，请填写在学子女数。"),
            code="children",
            details={"field": "children_in_school"},
        )
    return {"category": category, "household_size": household_size, "household_income": income,
            "income_per_capita": per_capita(income, household_size), "children_in_school": children_in_school, "causes": causes}  # fmt: skip


def _set_causes(file: HardshipFile, causes: Sequence[str]) -> None:
    FileCause.objects.filter(file=file).exclude(cause__in=causes).delete()
    have = set(FileCause.objects.filter(file=file).values_list("cause", flat=True))
    FileCause.objects.bulk_create([FileCause(file=file, cause=c) for c in causes if c not in have])


@transaction.atomic
def file_open(
    *, user: Any, membership: Membership, category: str, household_size: int, household_income: Any, causes: Sequence[str],
    children_in_school: int = 0, situation: str = "", opened_on: dt.date | None = None,
) -> HardshipFile:  # fmt: skip
    """Open a hardship file (建档) for a current member, in the member's union. One open file per
    person (the database's partial unique index decides a race)."""
    m = Membership.objects.select_related("person", "org").get(pk=membership.pk)
    if not m.is_current:
        raise ApplicationError(
            _("“%(name)s”的会籍已终止，不能建档。") % {"name": m.person.name},
            code="membership_ended",
            details={"field": "member"},
        )
    data = _household(category=category, household_size=household_size, household_income=household_income,
                      causes=causes, children_in_school=children_in_school)  # fmt: skip
    causes = data.pop("causes")
    opened_on = _past(opened_on or timezone.localdate(), "opened_on")
    if HardshipFile.objects.filter(person=m.person, status=FileStatus.OPEN).exists():
        raise ConflictError(
            _("“%(name)s”已有在档的困难职工档案。") % {"name": m.person.name},
            code="file_exists",
            details={"field": "member"},
        )
    f = HardshipFile(person=m.person, file_no=f"tmp-{uuid.uuid4().hex[:16]}", situation=(situation or "").strip()[:2000],
                     opened_on=opened_on, created_by=_user(user), **_scope_of(m.org), **data)  # fmt: skip
    try:
        with transaction.atomic():
            f.save()
    except IntegrityError:
        raise ConflictError(
            _("“%(name)s”已有在档的困难职工档案。") % {"name": m.person.name},
            code="file_exists",
            details={"field": "member"},
        ) from None
    f.file_no = file_number(opened_on.year, f.pk)
    f.save(update_fields=["file_no"])
    _set_causes(f, causes)
    audit_record(user=_user(user), action="care.file.open", obj=f, org_path=f.org_path,
                 changes={"category": f.category, "causes": causes, "membership": m.pk})  # fmt: skip
    return f


def file_number(year: int, pk: int) -> str:
    return f"KN{year}{pk:07d}"


def _open_file(file: HardshipFile) -> HardshipFile:
    f = HardshipFile.objects.select_for_update().select_related("person").get(pk=file.pk)
    if not f.is_open:
        raise ApplicationError(
            _("档案已%(s)s，不能再修改。") % {"s": f.get_status_display()}, code="file_state"
        )
    return f


@transaction.atomic
def file_update(
    *, user: Any, file: HardshipFile, category: str, household_size: int, household_income: Any, causes: Sequence[str],
    children_in_school: int = 0, situation: str = "",
) -> HardshipFile:  # fmt: skip
    """Correct an open file's figures (a change found at the yearly review goes through file_review)."""
    f = _open_file(file)
    data = _household(category=category, household_size=household_size, household_income=household_income,
                      causes=causes, children_in_school=children_in_school)  # fmt: skip
    causes = data.pop("causes")
    before = {k: str(getattr(f, k)) for k in data}
    for k, v in data.items():
        setattr(f, k, v)
    f.situation = (situation or "").strip()[:2000]
    f.save()
    _set_causes(f, causes)
    changes = {k: [before[k], str(v)] for k, v in data.items() if before[k] != str(v)}
    audit_record(
        user=_user(user),
        action="care.file.update",
        obj=f,
        org_path=f.org_path,
        changes={**changes, "causes": causes},
    )
    return f


@transaction.atomic
def file_review(
    *, user: Any, file: HardshipFile, year: int, reviewed_on: dt.date, outcome: str, category: str, household_size: int,
    household_income: Any, note: str = "",
) -> HardshipReview:  # fmt: skip
    """年度复核: once a year per file, not before the year the file was opened. The file takes the
    figures found; 解困脱困 or 销档 ends it (with the reason)."""
    f = _open_file(file)
    _choice(outcome, ReviewOutcome, "outcome", _("复核结论"))
    reviewed_on = _past(reviewed_on, "reviewed_on")
    if year != reviewed_on.year:
        raise ApplicationError(
            _("复核日期应在复核年度内。"), code="review_year", details={"field": "reviewed_on"}
        )
    if reviewed_on < f.opened_on:
        raise ApplicationError(
            _("复核日期不能早于建档日期。"), code="review_date", details={"field": "reviewed_on"}
        )
    note = _text(note, 200)
    if outcome != ReviewOutcome.KEEP and not note:
        raise ApplicationError(_("解困脱困或销档时请写明原因。"), code="reason", details={"field": "note"})
    causes = list(f.causes.values_list("cause", flat=True))
    data = _household(category=category, household_size=household_size, household_income=household_income,
                      causes=causes, children_in_school=min(f.children_in_school, household_size - 1))  # fmt: skip
    if HardshipReview.objects.filter(file=f, year=year).exists():
        raise ConflictError(
            _("%(y)d 年度已复核。") % {"y": year}, code="review_exists", details={"field": "year"}
        )
    review = HardshipReview.objects.create(
        file=f, year=year, reviewed_on=reviewed_on, outcome=outcome, category=data["category"], household_size=household_size,
        household_income=data["household_income"], income_per_capita=data["income_per_capita"], note=note, reviewed_by=_user(user),
    )  # fmt: skip
    f.category, f.household_size = data["category"], household_size
    f.household_income, f.income_per_capita = data["household_income"], data["income_per_capita"]
    f.children_in_school = data["children_in_school"]
    f.last_reviewed_on = reviewed_on
    if outcome != ReviewOutcome.KEEP:
        f.status = FileStatus.RELIEVED if outcome == ReviewOutcome.RELIEVED else FileStatus.CLOSED
        f.ended_on, f.end_reason = reviewed_on, note
    f.save()
    audit_record(user=_user(user), action="care.file.review", obj=f, org_path=f.org_path,
                 changes={"year": year, "outcome": outcome, "category": f.category, "status": f.status})  # fmt: skip
    return review


def file_viewed(*, user: Any, file: HardshipFile, via: str = "page") -> None:
    """Every look at a hardship file is written to the audit log (sensitive personal data)."""
    audit_record(
        user=_user(user), action="care.file.view", obj=file, org_path=file.org_path, changes={"via": via}
    )


def files_listed(
    *, user: Any, org_path: str, count: int | None, filters: dict[str, Any], via: str = "page"
) -> None:
    """A list of hardship files (or of aid, or a round's list) was shown: who, where, how many rows."""
    audit_record(user=_user(user), action="care.file.list", object_type="care.hardshipfile", org_path=org_path,
                 changes={"via": via, "rows": count, "filters": {k: v for k, v in filters.items() if v}})  # fmt: skip


def max_upload_bytes() -> int:
    return int(getattr(settings, "GONGHUI_CARE_MAX_UPLOAD_MB", 10)) * 1024 * 1024


@transaction.atomic
def document_add(
    *, user: Any, file: HardshipFile, upload: Any, kind: str, note: str = ""
) -> HardshipDocument:
    """Keep a supporting document: PDF, PNG or JPEG (told by its first bytes), at most
    GONGHUI_CARE_MAX_UPLOAD_MB, under MEDIA_ROOT with a random name."""
    f = HardshipFile.objects.get(pk=file.pk)
    _choice(kind, DocKind, "kind", _("材料类别"))
    if upload is None:
        raise ApplicationError(_("请选择文件。"), code="required", details={"field": "upload"})
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ApplicationError(_("文件是空的。"), code="empty_file", details={"field": "upload"})
    if size > max_upload_bytes():
        raise ApplicationError(
            _("文件超过 %(n)d MB。") % {"n": max_upload_bytes() // (1024 * 1024)},
            code="too_large",
            details={"field": "upload"},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind_of = next((v for magic, v in UPLOAD_TYPES.items() if head.startswith(magic)), None)
    if kind_of is None:
        raise ApplicationError(
            _("只能上传 PDF、JPG 或 PNG 文件。"), code="file_type", details={"field": "upload"}
        )
    content_type, ext = kind_of
    original = os.path.basename(str(getattr(upload, "name", "") or "")).strip()[:120] or f"document{ext}"
    doc = HardshipDocument(file=f, kind=kind, original_name=original, content_type=content_type, size=size,
                           note=_text(note, 200), uploaded_by=_user(user))  # fmt: skip
    name = f"care/{timezone.localdate():%Y}/{uuid.uuid4().hex}{ext}"
    # Written before the row: if the transaction rolls back, an unreferenced file with a random
    # name stays behind, never served (downloads go through the row).
    doc.stored.save(name, File(upload), save=False)
    doc.save()
    audit_record(user=_user(user), action="care.document.add", obj=f, org_path=f.org_path,
                 changes={"document": doc.pk, "kind": kind, "name": original, "size": size})  # fmt: skip
    return doc


def document_opened(*, user: Any, document: HardshipDocument) -> None:
    audit_record(user=_user(user), action="care.document.view", obj=document.file, org_path=document.file.org_path,
                 changes={"document": document.pk, "name": document.original_name})  # fmt: skip


# --------------------------------------------------------------------------- aid


@transaction.atomic
def aid_record(
    *, user: Any, type: str, amount: Any, given_on: dt.date, source: str, file: HardshipFile | None = None,
    membership: Membership | None = None, note: str = "", programme: AidProgramme | None = None,
) -> Assistance:  # fmt: skip
    """Record aid given to a worker: on their open hardship file, or (送温暖 to a frontline worker,
    助医 through mutual insurance…) to any current member. The record belongs to the file's union,
    else the member's."""
    _choice(type, AidType, "type", _("帮扶类型"))
    _choice(source, FundSource, "source", _("资金来源"))
    amount = money(amount, "amount", positive=True)
    given_on = _past(given_on, "given_on")
    if file is not None:
        file = HardshipFile.objects.select_related("person", "org").get(pk=file.pk)
        if not file.is_open:
            raise ApplicationError(
                _("档案已%(s)s，不能再登记帮扶。") % {"s": file.get_status_display()}, code="file_state"
            )
        person, org = file.person, file.org
    elif membership is not None:
        m = Membership.objects.select_related("person", "org").get(pk=membership.pk)
        if not m.is_current:
            raise ApplicationError(
                _("“%(name)s”的会籍已终止。") % {"name": m.person.name},
                code="membership_ended",
                details={"field": "member"},
            )
        person, org = m.person, m.org
    else:
        raise ApplicationError(_("请指明帮扶对象。"), code="required", details={"field": "member"})
    aid = Assistance.objects.create(person=person, file=file, programme=programme, type=type, amount=amount, given_on=given_on,
                                    source=source, note=_text(note, 200), recorded_by=_user(user), **_scope_of(org))  # fmt: skip
    if programme is None:
        audit_record(user=_user(user), action="care.aid.record", obj=aid, org_path=aid.org_path, object_repr=f"{person.name} {aid}",
                     changes={"type": type, "amount": str(amount), "source": source, "file": file.pk if file else None})  # fmt: skip
    return aid


# --------------------------------------------------------------------------- aid rounds


@transaction.atomic
def programme_create(
    *, user: Any, org: Org, name: str, type: str, year: int, amount_per_person: Any, source: str, note: str = "",
) -> AidProgramme:  # fmt: skip
    """Open an aid round (送温暖, 金秋助学 …) run by `org` over the files of its subtree."""
    name = _text(name, 80)
    if not name:
        raise ApplicationError(_("请填写活动名称。"), code="required", details={"field": "name"})
    _choice(type, AidType, "type", _("帮扶类型"))
    _choice(source, FundSource, "source", _("资金来源"))
    if not org.is_active:
        raise ApplicationError(_("“%(name)s”已撤销或合并。") % {"name": org.name}, code="org_inactive")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        raise ApplicationError(
            _("年度应在 2000 至 %(y)d 之间。") % {"y": this_year + 1}, code="year", details={"field": "year"}
        )
    amount = money(amount_per_person, "amount_per_person", positive=True)
    p = AidProgramme.objects.create(name=name, type=type, year=year, amount_per_person=amount, source=source, note=_text(note, 200),
                                    created_by=_user(user), **_scope_of(org))  # fmt: skip
    audit_record(user=_user(user), action="care.programme.create", obj=p, org_path=p.org_path,
                 changes={"type": type, "year": year, "amount_per_person": str(amount), "source": source})  # fmt: skip
    return p


def _open_programme(programme: AidProgramme) -> AidProgramme:
    p = AidProgramme.objects.select_for_update().get(pk=programme.pk)
    if not p.is_open:
        raise ApplicationError(_("活动“%(name)s”已结束。") % {"name": p.name}, code="programme_closed")
    return p


@transaction.atomic
def programme_list_add(
    *, user: Any, programme: AidProgramme, files: Iterable[HardshipFile] | None = None
) -> int:
    """Put files on the round's list at the round's standard amount: the given ones, each of which
    must be eligible (care.selectors.eligible_files), or all eligible ones when `files` is None."""
    from gonghui.care.selectors import eligible_files

    p = _open_programme(programme)
    eligible = eligible_files(p)
    if files is None:
        chosen = list(eligible.select_related("org"))
    else:
        ids_ = list(dict.fromkeys(f.pk for f in files))
        chosen = list(eligible.filter(pk__in=ids_).select_related("org"))
        if len(chosen) != len(ids_):
            missing = HardshipFile.objects.filter(pk__in=set(ids_) - {f.pk for f in chosen}).select_related(
                "person"
            )
            names = "、".join(f"{f.person.name}（{f.file_no}）" for f in missing[:5])
            raise ApplicationError(_("以下档案不符合本次活动条件或已在名单中：%(names)s") % {"names": names}, code="not_eligible",
                                   details={"files": [f.pk for f in missing]})  # fmt: skip
    ProgrammeEntry.objects.bulk_create([
        ProgrammeEntry(programme=p, file=f, person_id=f.person_id, amount=p.amount_per_person, **_scope_of(f.org)) for f in chosen
    ])  # fmt: skip
    if chosen:
        audit_record(
            user=_user(user),
            action="care.programme.list",
            obj=p,
            org_path=p.org_path,
            changes={"added": len(chosen)},
        )
    return len(chosen)


def _listed(p: AidProgramme, entries: Iterable[ProgrammeEntry]) -> list[ProgrammeEntry]:
    ids_ = list(dict.fromkeys(e.pk for e in entries))
    if not ids_:
        raise ApplicationError(_("请先选择名单中的人员。"), code="required", details={"field": "entries"})
    rows = list(
        ProgrammeEntry.objects.select_for_update()
        .filter(programme=p, pk__in=ids_)
        .select_related("person", "file", "org")
    )
    if len(rows) != len(ids_):
        raise ApplicationError(
            _("所选人员不在本次活动名单中。"), code="not_listed", details={"field": "entries"}
        )
    done = [e for e in rows if e.status != EntryStatus.LISTED]
    if done:
        raise ApplicationError(_("以下人员已发放或已移出，不能重复办理：%(names)s") % {"names": "、".join(e.person.name for e in done[:5])},
                               code="entry_state", details={"entries": [e.pk for e in done]})  # fmt: skip
    return rows


@transaction.atomic
def programme_pay(
    *, user: Any, programme: AidProgramme, entries: Iterable[ProgrammeEntry], paid_on: dt.date
) -> int:
    """Record payment of listed entries: each becomes one aid record (type, source and amount of
    the round), so the round's money shows in the aid reports exactly once."""
    p = _open_programme(programme)
    paid_on = _past(paid_on, "paid_on")
    rows = _listed(p, entries)
    for e in rows:
        aid = Assistance.objects.create(
            person_id=e.person_id, file=e.file, programme=p, type=p.type, amount=e.amount, given_on=paid_on, source=p.source,
            note=p.name[:200], recorded_by=_user(user), **_scope_of(e.org),
        )  # fmt: skip
        e.status, e.paid_on, e.assistance = EntryStatus.PAID, paid_on, aid
    ProgrammeEntry.objects.bulk_update(rows, ["status", "paid_on", "assistance"])
    audit_record(user=_user(user), action="care.programme.pay", obj=p, org_path=p.org_path,
                 changes={"paid": len(rows), "amount": str(sum((e.amount for e in rows), Decimal(0))), "paid_on": str(paid_on)})  # fmt: skip
    return len(rows)


@transaction.atomic
def programme_withdraw(*, user: Any, programme: AidProgramme, entries: Iterable[ProgrammeEntry]) -> int:
    """Take listed (unpaid) entries off the list."""
    p = _open_programme(programme)
    rows = _listed(p, entries)
    ProgrammeEntry.objects.filter(pk__in=[e.pk for e in rows]).update(status=EntryStatus.WITHDRAWN)
    audit_record(
        user=_user(user),
        action="care.programme.withdraw",
        obj=p,
        org_path=p.org_path,
        changes={"withdrawn": len(rows)},
    )
    return len(rows)


@transaction.atomic
def programme_close(*, user: Any, programme: AidProgramme) -> AidProgramme:
    """End the round; entries still unpaid are taken off the list."""
    p = _open_programme(programme)
    left = ProgrammeEntry.objects.filter(programme=p, status=EntryStatus.LISTED).update(
        status=EntryStatus.WITHDRAWN
    )
    p.status, p.closed_at = ProgrammeStatus.CLOSED, timezone.now()
    p.save(update_fields=["status", "closed_at"])
    audit_record(
        user=_user(user),
        action="care.programme.close",
        obj=p,
        org_path=p.org_path,
        changes={"unpaid_withdrawn": left},
    )
    return p


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


# --------------------------------------------------------------------------- org hooks


def org_merge_hook(source: Org, target: Org) -> None:
    """orgs.actions.MERGE_HOOKS: open hardship files and the 劳模 registry follow a merged union into
    the target (work still to do there); history (aid, courses) stays where it happened."""
    moved: list[QuerySet[Any]] = [
        HardshipFile.objects.filter(org=source, status=FileStatus.OPEN),
        ModelWorkerTitle.objects.filter(org=source),
    ]
    for qs in moved:
        qs.update(org=target, org_path=target.path, province_code=target.province_code)
