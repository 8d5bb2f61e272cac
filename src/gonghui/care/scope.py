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

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.care.models import (
    AidProgramme,
    Assistance,
    HardshipDocument,
    HardshipFile,
    ModelWorkerTitle,
    ProgrammeEntry,
    TrainingCourse,
)  # fmt: skip
from gonghui.core import access, ids
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.members.actions import id_index
from gonghui.members.models import CURRENT_STATUSES, Membership

# --- querysets in scope -------------------------------------------------------------------


def _scoped(user: Any, perm: Perm, qs: QuerySet[Any]) -> QuerySet[Any]:
    access.require(user, perm)
    return qs.filter(org_path__startswith=access.scope_path(user))


def scoped_files(user: Any) -> QuerySet[HardshipFile]:
    return _scoped(user, Perm.CARE_FILES, HardshipFile.objects.all())


def scoped_aid(user: Any) -> QuerySet[Assistance]:
    return _scoped(user, Perm.CARE_FILES, Assistance.objects.all())


def scoped_programmes(user: Any) -> QuerySet[AidProgramme]:
    return _scoped(user, Perm.CARE_FILES, AidProgramme.objects.all())


def scoped_courses(user: Any) -> QuerySet[TrainingCourse]:
    return _scoped(user, Perm.VIEW, TrainingCourse.objects.all())


def scoped_titles(user: Any) -> QuerySet[ModelWorkerTitle]:
    return _scoped(user, Perm.VIEW, ModelWorkerTitle.objects.all())


# --- single objects -----------------------------------------------------------------------


def get_file(user: Any, pk: int, perm: Perm = Perm.CARE_FILES) -> HardshipFile:
    f = HardshipFile.objects.select_related("person", "org").filter(pk=pk).first()
    if f is None:
        raise Http404
    access.require(user, Perm.CARE_FILES, path=f.org_path)
    access.require(user, perm, path=f.org_path)
    return f


def get_document(user: Any, pk: int) -> HardshipDocument:
    d = HardshipDocument.objects.select_related("file", "file__person").filter(pk=pk).first()
    if d is None:
        raise Http404
    access.require(user, Perm.CARE_FILES, path=d.file.org_path)
    return d


def get_programme(user: Any, pk: int, perm: Perm = Perm.CARE_FILES) -> AidProgramme:
    p = AidProgramme.objects.select_related("org").filter(pk=pk).first()
    if p is None:
        raise Http404
    access.require(user, Perm.CARE_FILES, path=p.org_path)
    access.require(user, perm, path=p.org_path)
    return p


def get_course(user: Any, pk: int, perm: Perm = Perm.VIEW) -> TrainingCourse:
    c = TrainingCourse.objects.select_related("org").filter(pk=pk).first()
    if c is None:
        raise Http404
    access.require(user, perm, path=c.org_path)
    return c


def get_title(user: Any, pk: int, perm: Perm = Perm.VIEW) -> ModelWorkerTitle:
    t = ModelWorkerTitle.objects.select_related("person", "org").filter(pk=pk).first()
    if t is None:
        raise Http404
    access.require(user, perm, path=t.org_path)
    return t


def get_membership(user: Any, pk: int, perm: Perm) -> Membership:
    """A current membership (active or retained) in scope, for starting a record about a person."""
    m = Membership.objects.select_related("person", "org").filter(pk=pk).first()
    if m is None:
        raise Http404
    access.require(user, perm, path=m.org_path)
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
        qs = qs.filter(person__id_index=id_index(number))
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
        m.person.id_index: m for m in base.filter(person__id_index__in=[k for _n, t, k in keys if t == "id"])
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
