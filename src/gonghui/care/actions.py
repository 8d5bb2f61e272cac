"""Every write of the care app: hardship files and their documents here; aid and aid rounds in
actions_aid.py; training and the 劳模 registry in actions_training.py; the audit lines of reads and
exports (one action per event, whatever the channel) in actions_reads.py. All are importable from
this module, as before.

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
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.actions_aid import (  # noqa: F401 (re-exported)
    aid_record,
    programme_close,
    programme_create,
    programme_list_add,
    programme_pay,
    programme_withdraw,
)
from gonghui.care.actions_reads import (  # noqa: F401 (re-exported)
    care_aid_listed,
    care_document_opened,
    care_file_viewed,
    care_files_exported,
    care_files_listed,
    care_programme_eligible_viewed,
    care_programme_exported,
    care_programme_viewed,
    care_report_exported,
    care_trainees_exported,
)
from gonghui.care.actions_training import (  # noqa: F401 (re-exported)
    COURSE_FIELDS,
    course_create,
    course_update,
    model_care_record,
    title_register,
    trainees_add,
    trainees_complete,
    trainees_drop,
)
from gonghui.care.models import (
    Category,
    Cause,
    DocKind,
    FileCause,
    FileStatus,
    HardshipDocument,
    HardshipFile,
    HardshipReview,
    ModelWorkerTitle,
    ReviewOutcome,
)  # fmt: skip
from gonghui.care.rules import (  # noqa: F401 (re-exported)
    FIRST_YEAR,
    MAX_HOUSEHOLD,
    MAX_MONEY,
    _choice,
    _past,
    _scope_of,
    _text,
    _user,
    cost_per_trainee,
    money,
    per_capita,
)
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

# Uploads: what a supporting document may be, told by its first bytes, not its name.
UPLOAD_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}


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
    # the file row locked alone, its person read when needed (on the person's shard): Citus refuses
    # FOR UPDATE over a join with the distributed person table
    f = HardshipFile.objects.select_for_update().get(pk=file.pk)
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
