"""Getting care objects through the gatekeeper (core.access).

Each helper finds the object, then asks `access.require(user, perm, path=...)` with the path of
the union it belongs to: out of scope → 404 (nothing leaks), wrong role → 403.

Who may do what (core.access.Perm):
* hardship files, their documents and reviews, aid records and aid rounds — `CARE_FILES`
  (federation and union admins: the 困难职工帮扶中心 is kept by the federations; clerks, reviewers
  and viewers do not see household income, illness or disability). Every read is audited.
* training courses and the model-worker registry — read with `VIEW`, written with `MEMBER_WRITE`
  (the clerks who keep the register also record services, DOMAIN.md).
* reports (counts and sums only, no names) — `VIEW`; their xlsx — `EXPORT`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gonghui.care.models import (
    AidProgramme,
    Assistance,
    HardshipDocument,
    HardshipFile,
    ModelWorkerTitle,
    ProgrammeEntry,
    Trainee,
    TrainingCourse,
)  # fmt: skip
from gonghui.core import access, ids
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.models import Identity
from gonghui.members.actions import id_index
from gonghui.members.models import CURRENT_STATUSES, Membership

# --- querysets in scope -------------------------------------------------------------------


def scoped_files(user: Any) -> QuerySet[HardshipFile]:
    return access.scoped(HardshipFile.objects.all(), user, perm=Perm.CARE_FILES)


def scoped_aid(user: Any) -> QuerySet[Assistance]:
    return access.scoped(Assistance.objects.all(), user, perm=Perm.CARE_FILES)


def scoped_programmes(user: Any) -> QuerySet[AidProgramme]:
    return access.scoped(AidProgramme.objects.all(), user, perm=Perm.CARE_FILES)


def scoped_courses(user: Any) -> QuerySet[TrainingCourse]:
    return access.scoped(TrainingCourse.objects.all(), user, perm=Perm.VIEW)


def scoped_titles(user: Any) -> QuerySet[ModelWorkerTitle]:
    return access.scoped(ModelWorkerTitle.objects.all(), user, perm=Perm.VIEW)


# --- single objects: looked up inside the scope, so missing and foreign give the same 404 ---


def get_file(user: Any, pk: int, perm: Perm = Perm.CARE_FILES) -> HardshipFile:
    f = access.get_scoped(
        HardshipFile.objects.select_related("person", "org"), user, pk, perm=Perm.CARE_FILES
    )
    access.require(user, perm, path=f.org_path)
    return f


def get_document(user: Any, pk: int) -> HardshipDocument:
    qs = HardshipDocument.objects.select_related("file", "file__person")
    return access.get_scoped(qs, user, pk, perm=Perm.CARE_FILES, path_field="file__org_path")


def get_programme(user: Any, pk: int, perm: Perm = Perm.CARE_FILES) -> AidProgramme:
    p = access.get_scoped(AidProgramme.objects.select_related("org"), user, pk, perm=Perm.CARE_FILES)
    access.require(user, perm, path=p.org_path)
    return p


def get_course(user: Any, pk: int, perm: Perm = Perm.VIEW) -> TrainingCourse:
    return access.get_scoped(TrainingCourse.objects.select_related("org"), user, pk, perm=perm)


def get_title(user: Any, pk: int, perm: Perm = Perm.VIEW) -> ModelWorkerTitle:
    return access.get_scoped(ModelWorkerTitle.objects.select_related("person", "org"), user, pk, perm=perm)


# --- lists of ids sent in a body or a form ---------------------------------------------------


def _ids(raw: Iterable[Any]) -> list[int]:
    """Distinct ids in the order given; a value that is no id (or beyond the database's range)
    stays in the list as 0, which names no row, so it is reported like any missing id."""
    out: list[int] = []
    for x in raw:
        try:
            n = int(x)
        except (TypeError, ValueError):
            n = 0
        out.append(n if 0 < n <= access.MAX_PK else 0)
    return list(dict.fromkeys(out))


def _all_found(qs: QuerySet[Any], ids_: list[int], message: str, code: str, field: str) -> list[Any]:
    rows = list(qs.filter(pk__in=[i for i in ids_ if i]))
    if len(rows) != len(ids_):
        # The same answer for an id nobody has and for one outside the scope: the ids not found
        # (as sent, so nothing new), never a name.
        missing = sorted(set(ids_) - {r.pk for r in rows})[:50]
        raise ApplicationError(message, code=code, details={"field": field, field: missing})
    return rows


def files_by_ids(user: Any, raw: Iterable[Any], *, field: str = "file_ids") -> list[HardshipFile]:
    """Hardship files named by id, all in the user's scope, else one refusal naming none."""
    ids_ = _ids(raw)
    qs = scoped_files(user).select_related("person", "org")
    return _all_found(qs, ids_, _("有档案不存在或不在您的管辖范围内。"), "file_not_found", field)


def entries_by_ids(
    programme: AidProgramme, raw: Iterable[Any], *, field: str = "entry_ids"
) -> list[ProgrammeEntry]:
    """Entries of this round (got through the gatekeeper) named by id."""
    ids_ = _ids(raw)
    qs = ProgrammeEntry.objects.filter(programme=programme)
    return _all_found(qs, ids_, _("所选人员不在本次活动名单中。"), "not_listed", field)


def trainees_by_ids(course: TrainingCourse, raw: Iterable[Any], *, field: str = "trainees") -> list[Trainee]:
    """Trainees of this course (got through the gatekeeper) named by id."""
    ids_ = _ids(raw)
    return _all_found(
        Trainee.objects.filter(course=course), ids_, _("所选学员不在本培训班。"), "not_trainee", field
    )


def memberships_by_ids(
    user: Any, raw: Iterable[Any], perm: Perm, *, under: str, field: str = "member_ids"
) -> list[Membership]:
    """Current memberships named by id under the path `under` (itself in the user's scope)."""
    access.require(user, perm, path=under)
    ids_ = _ids(raw)
    qs = Membership.objects.select_related("person", "org").filter(
        status__in=CURRENT_STATUSES, org_path__startswith=under
    )
    return _all_found(
        qs, ids_, _("有会籍不存在、已终止或不在本培训班主办工会范围内。"), "member_not_found", field
    )


def get_membership(user: Any, pk: int, perm: Perm) -> Membership:
    """A current membership (active or retained) in scope, for starting a record about a person."""
    m = access.get_scoped(Membership.objects.select_related("person", "org"), user, pk, perm=perm)
    if m.status not in CURRENT_STATUSES:
        raise ApplicationError(_("“%(name)s”的会籍已终止，不能登记。") % {"name": m.person.name}, code="membership_ended",
                               details={"field": "member"})  # fmt: skip
    return m


def entries_of(programme: AidProgramme) -> QuerySet[ProgrammeEntry]:
    return programme.entries.select_related("person", "file", "org")


def find_membership(
    user: Any, raw: str, perm: Perm, *, under: str | None = None, field: str = "member"
) -> Membership:
    """The current membership named by a 会员编号 or a 公民身份号码 (matched on the blind index),
    in the user's scope (and under `under`, a path, when given). Outside: the same "not found" as
    a number nobody has, so nothing leaks."""
    raw = (raw or "").strip()
    if not raw:
        raise ApplicationError(_("请填写会员编号或身份证号。"), code="required", details={"field": field})
    access.require(user, perm)
    qs = Membership.objects.select_related("person", "org").filter(status__in=CURRENT_STATUSES)
    try:
        number = ids.parse_id_number(raw).number
    except ids.IdNumberError:
        qs = qs.filter(member_no=raw)
    else:
        qs = qs.filter(person_id__in=Identity.holders(id_index(number)))
    prefix = access.scope_path(user)
    m = qs.filter(org_path__startswith=prefix).first()
    if m is None or (under and not m.org_path.startswith(under)):
        raise ApplicationError(_("“%(raw)s”：在您的管辖范围内没有这名会员（会籍有效）。") % {"raw": _shown(raw)}, code="member_not_found",
                               details={"field": field})  # fmt: skip
    return m


def _shown(raw: str) -> str:
    """A number echoed back in a message: an ID number is masked."""
    return ids.mask_id_number(raw) if len(raw) in (15, 18) else raw[:32]


MAX_LINES = 5000


def find_memberships(
    user: Any, text: str, perm: Perm, *, under: str, field: str = "members"
) -> list[Membership]:
    """Current memberships for a pasted list (one 会员编号 or 公民身份号码 a line) under the path
    `under` (itself in the user's scope). Two queries however long the list; every line that names
    nobody there is reported by its line number, and nothing is returned unless all are found."""
    access.require(user, perm, path=under)
    lines = [(n, s.strip()) for n, s in enumerate((text or "").splitlines(), start=1) if s.strip()]
    if not lines:
        raise ApplicationError(_("请填写学员名单。"), code="required", details={"field": field})
    if len(lines) > MAX_LINES:
        raise ApplicationError(
            _("一次最多 %(n)d 行。") % {"n": MAX_LINES}, code="too_many", details={"field": field}
        )
    keys: list[tuple[int, str, str]] = []  # line, kind, key
    for n, raw in lines:
        try:
            keys.append((n, "id", id_index(ids.parse_id_number(raw).number)))
        except ids.IdNumberError:
            keys.append((n, "no", raw[:32]))
    base = Membership.objects.select_related("person", "org").filter(
        status__in=CURRENT_STATUSES, org_path__startswith=under
    )
    by_index = {
        m.person.id_index: m
        for m in base.filter(person_id__in=Identity.holders(*(k for _n, t, k in keys if t == "id")))
    }
    by_no = {m.member_no: m for m in base.filter(member_no__in=[k for _n, t, k in keys if t == "no"])}
    found, missing = [], []
    for n, kind, key in keys:
        m = (by_index if kind == "id" else by_no).get(key)
        if m is None:
            missing.append(n)
        else:
            found.append(m)
    if missing:
        shown = "、".join(str(n) for n in missing[:20]) + ("…" if len(missing) > 20 else "")
        raise ApplicationError(_("第 %(lines)s 行：在本培训班主办工会范围内没有这名在册会员。") % {"lines": shown}, code="member_not_found",
                               details={"field": field, "lines": missing[:200]})  # fmt: skip
    return found
