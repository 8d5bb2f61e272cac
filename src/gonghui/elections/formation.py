"""组建: forming a union, seed 004's 有请示、有名册、有批复. Every write here is atomic and audited.

The upper union (`parent`) reviews; its approval (批复) creates the union in the tree through
`orgs.actions.org_create`, moves the employers' coverage to it through `employer_update`, puts the
founding roster on its register through `members.actions.founder_register` (实名制), and files the
three documents with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import ids, pii
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf, documents, notify, pdfs, rules
from gonghui.elections.models import (
    DocKind,
    Document,
    Formation,
    FormationForm,
    FormationStatus,
    RosterEntry,
    RosterSource,
)  # fmt: skip
from gonghui.members import actions as member_actions
from gonghui.members.actions import ID_CONTEXT, id_index, parse_id
from gonghui.members.models import Membership, MembershipStatus, Person
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import ALLOWED_CHILDREN, BASE_KINDS, Employer, Org, OrgForm, OrgKind, OrgStatus

FIELDS = (
    "name",
    "short_name",
    "kind",
    "form",
    "region_code",
    "joint_scope",
    "chair_name",
    "term_years",
    "request_text",
)


def _lock(formation: Formation) -> Formation:
    return Formation.objects.select_for_update(of=("self",)).select_related("parent").get(pk=formation.pk)


def _editable(formation: Formation) -> None:
    if not formation.editable:
        raise ConflictError(
            _("组建申请当前状态为“%(s)s”，不能修改。") % {"s": formation.get_status_display()},
            code="not_editable",
        )


def _check_fields(parent: Org, data: dict[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
    name = (data.get("name") or "").strip()
    if not name:
        raise ApplicationError(_("请填写拟成立工会的全称。"), code="required", details={"field": "name"})
    data["name"] = name
    kind = data.get("kind") or OrgKind.GRASSROOTS
    if kind not in ALLOWED_CHILDREN.get(parent.kind, frozenset()):
        raise ApplicationError(
            _("“%(p)s”之下不能设立%(k)s。") % {"p": parent.name, "k": OrgKind(kind).label if kind in OrgKind.values else kind},
            code="kind_not_allowed", details={"field": "kind"},
        )  # fmt: skip
    if not parent.is_active:
        raise ApplicationError(
            _("上级工会“%(n)s”已撤销或合并。") % {"n": parent.name}, code="parent_inactive"
        )
    if data.get("form", FormationForm.COMMITTEE) not in FormationForm.values:
        raise ApplicationError(_("组织形式无效。"), code="form", details={"field": "form"})
    if int(data.get("term_years") or 0) not in rules.TERM_YEARS:
        raise ApplicationError(
            _("任期应为 3 年或 5 年（工会法第十六条）。"), code="term_years", details={"field": "term_years"}
        )
    try:
        data["region_code"] = ids.validate_region_code(data.get("region_code") or "")
    except ValueError as e:
        raise ApplicationError(
            str(getattr(e, "message", e)), code="region_code", details={"field": "region_code"}
        ) from e
    if Org.objects.filter(name=name, status=OrgStatus.ACTIVE).exists():
        raise ConflictError(
            _("已有同名工会“%(n)s”。") % {"n": name}, code="duplicate_name", details={"field": "name"}
        )
    open_same = Formation.objects.filter(
        name=name, status__in=[FormationStatus.DRAFT, FormationStatus.SUBMITTED, FormationStatus.RETURNED]
    )
    if exclude:
        open_same = open_same.exclude(pk=exclude)
    if open_same.exists():
        raise ConflictError(
            _("已有同名的组建申请在办理中。"), code="duplicate_formation", details={"field": "name"}
        )
    return data


def _check_employers(parent: Org, employers: list[Employer]) -> None:
    for e in employers:
        if not (
            e.area_path.startswith(parent.path)
            or (e.union is not None and e.union.path.startswith(parent.path))
        ):
            raise ApplicationError(
                _("“%(e)s”不在“%(p)s”的管辖范围内。") % {"e": e.name, "p": parent.name},
                code="employer_scope",
                details={"field": "employers"},
            )
        if e.union is not None and e.union.is_active and e.union.kind == OrgKind.GRASSROOTS:
            raise ConflictError(
                _("“%(e)s”已建立基层工会（%(u)s），不能重复组建。") % {"e": e.name, "u": e.union.name},
                code="employer_has_union", details={"field": "employers"},
            )  # fmt: skip


@transaction.atomic
def formation_create(
    *, user: Any, parent: Org, employers: list[Employer] | None = None, **fields: Any
) -> Formation:
    """Start a formation request (草拟) under the upper union `parent`."""
    data = {k: v for k, v in fields.items() if k in FIELDS}
    data.setdefault("term_years", conf.rules().default_term_years)
    data.setdefault("region_code", parent.region_code)
    data = _check_fields(parent, data)
    employers = list(employers or [])
    _check_employers(parent, employers)
    f = Formation.objects.create(parent=parent, org_path=parent.path, created_by=_u(user), **data)
    f.employers.set(employers)
    audit_record(user=user, action="formation.create", obj=f, org_path=f.org_path,
                 changes={"parent": parent.code, "kind": f.kind, "employers": [e.pk for e in employers]})  # fmt: skip
    return f


@transaction.atomic
def formation_update(
    *, user: Any, formation: Formation, employers: list[Employer] | None = None, **fields: Any
) -> Formation:
    f = _lock(formation)
    _editable(f)
    data = {k: getattr(f, k) for k in FIELDS}
    data.update({k: v for k, v in fields.items() if k in FIELDS})
    data = _check_fields(f.parent, data, exclude=f.pk)
    changes: dict[str, Any] = {k: [str(getattr(f, k)), str(v)] for k, v in data.items() if getattr(f, k) != v}
    for k, v in data.items():
        setattr(f, k, v)
    f.save()
    if employers is not None:
        _check_employers(f.parent, employers)
        before = set(f.employers.values_list("pk", flat=True))
        f.employers.set(employers)
        if before != {e.pk for e in employers}:
            changes["employers"] = [sorted(before), sorted(e.pk for e in employers)]
    if changes:
        audit_record(user=user, action="formation.update", obj=f, org_path=f.org_path, changes=changes)
    return f


def _u(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _employer_for(f: Formation, employer: Employer | None) -> Employer | None:
    allowed = list(f.employers.all())
    if employer is None:
        return allowed[0] if len(allowed) == 1 else None
    if employer.pk not in {e.pk for e in allowed}:
        raise ApplicationError(
            _("“%(e)s”不是本次建会的单位。") % {"e": employer.name},
            code="employer_not_in_formation",
            details={"field": "employer"},
        )
    return employer


def _entry(f: Formation, *, name: str, id_number: str, employer: Employer | None) -> RosterEntry:
    name = re.sub(r"\s+", "", name or "")
    if not name:
        raise ApplicationError(_("请填写姓名。"), code="required", details={"field": "name"})
    info = parse_id(id_number)
    index = id_index(info.number)
    if f.roster.filter(id_index=index).exists():
        raise ConflictError(_("%(n)s（%(id)s）已在名册中。") % {"n": name, "id": ids.mask_id_number(info.number)}, code="duplicate_entry",
                            details={"field": "id_number"})  # fmt: skip
    person = Person.objects.filter(id_index=index).first()
    membership = None
    if person is not None:
        if person.name != name:
            raise ApplicationError(
                _("姓名“%(n)s”与会员库中该身份证号的登记姓名不一致。") % {"n": name},
                code="name_mismatch",
                details={"field": "name"},
            )
        membership = Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE).first()
    return RosterEntry(
        formation=f, name=name, id_cipher=pii.encrypt(info.number, context=ID_CONTEXT), id_index=index,
        id_masked=ids.mask_id_number(info.number), gender=info.gender, employer=_employer_for(f, employer),
        source=RosterSource.REGISTER if membership else RosterSource.APPLICANT, membership=membership,
    )  # fmt: skip


@transaction.atomic
def roster_add(
    *, user: Any, formation: Formation, name: str, id_number: str, employer: Employer | None = None
) -> RosterEntry:
    """Add one founding member by name and ID number (encrypted; a register member is linked)."""
    f = _lock(formation)
    _editable(f)
    entry = _entry(f, name=name, id_number=id_number, employer=employer)
    entry.save()
    audit_record(
        user=user,
        action="formation.roster_add",
        obj=f,
        org_path=f.org_path,
        changes={"entry": entry.id_masked},
    )
    return entry


LINE_SPLIT = re.compile(r"[\s,，;；\t]+")


@transaction.atomic
def roster_add_lines(*, user: Any, formation: Formation, text: str) -> int:
    """Add many founding members from lines of “姓名 身份证号 [单位名称]”. All or nothing: the first
    bad line is named with its number."""
    f = _lock(formation)
    _editable(f)
    by_name = {e.name: e for e in f.employers.all()}
    entries: list[RosterEntry] = []
    seen: set[str] = set()
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = LINE_SPLIT.split(line.strip())
        if len(parts) < 2:
            raise ApplicationError(
                _("第 %(no)d 行：应为“姓名 身份证号 [单位名称]”。") % {"no": no},
                code="line",
                details={"field": "lines", "line": no},
            )
        employer = None
        if len(parts) > 2:
            employer = by_name.get(parts[2])
            if employer is None:
                raise ApplicationError(_("第 %(no)d 行：单位“%(e)s”不是本次建会的单位。") % {"no": no, "e": parts[2]}, code="line",
                                       details={"field": "lines", "line": no})  # fmt: skip
        try:
            entry = _entry(f, name=parts[0], id_number=parts[1], employer=employer)
        except ApplicationError as e:
            raise type(e)(
                _("第 %(no)d 行：%(m)s") % {"no": no, "m": e.message},
                code=e.code,
                details={"field": "lines", "line": no},
            ) from None
        if entry.id_index in seen:
            raise ConflictError(
                _("第 %(no)d 行：身份证号与前面的行重复。") % {"no": no},
                code="duplicate_entry",
                details={"field": "lines", "line": no},
            )
        seen.add(entry.id_index)
        entries.append(entry)
    if not entries:
        raise ApplicationError(_("没有可添加的行。"), code="required", details={"field": "lines"})
    RosterEntry.objects.bulk_create(entries)
    audit_record(
        user=user, action="formation.roster_add", obj=f, org_path=f.org_path, changes={"added": len(entries)}
    )
    return len(entries)


@transaction.atomic
def roster_from_register(*, user: Any, formation: Formation) -> int:
    """Add the register's current members who work at the formation's employers."""
    f = _lock(formation)
    _editable(f)
    employer_ids = list(f.employers.values_list("pk", flat=True))
    if not employer_ids:
        raise ApplicationError(_("请先选择建会单位。"), code="no_employers")
    have = set(f.roster.values_list("id_index", flat=True))
    rows = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, person__employer_id__in=employer_ids)
        .select_related("person")
        .order_by("pk")
    )
    entries = [
        RosterEntry(
            formation=f,
            name=m.person.name,
            id_cipher=m.person.id_cipher,
            id_index=m.person.id_index,
            id_masked=m.person.id_masked,
            gender=m.person.gender,
            employer_id=m.person.employer_id,
            source=RosterSource.REGISTER,
            membership=m,
        )  # fmt: skip
        for m in rows
        if m.person.id_index not in have
    ]
    RosterEntry.objects.bulk_create(entries)
    audit_record(
        user=user,
        action="formation.roster_from_register",
        obj=f,
        org_path=f.org_path,
        changes={"added": len(entries)},
    )
    return len(entries)


@transaction.atomic
def roster_remove(*, user: Any, formation: Formation, entry_ids: list[int]) -> int:
    f = _lock(formation)
    _editable(f)
    n, _detail = f.roster.filter(pk__in=entry_ids).delete()
    if n:
        audit_record(
            user=user, action="formation.roster_remove", obj=f, org_path=f.org_path, changes={"removed": n}
        )
    return n


@transaction.atomic
def formation_upload_request(*, user: Any, formation: Formation, file: UploadedFile) -> Document:
    """File the signed request (请示) as uploaded; it replaces the one generated from the form."""
    f = _lock(formation)
    _editable(f)
    content_type = documents.check_upload(file)
    doc = documents.store(
        kind=DocKind.REQUEST, title=_("关于成立%(n)s的请示") % {"n": f.name}, data=file.read(), filename=file.name or "request",
        content_type=content_type, generated=False, org_path=f.org_path, formation=f, user=user,
    )  # fmt: skip
    audit_record(
        user=user,
        action="formation.upload_request",
        obj=f,
        org_path=f.org_path,
        changes={"document": doc.pk, "size": doc.size},
    )
    return doc


def counts(f: Formation) -> dict[str, Any]:
    """Founding members per employer (by name), the total, and employees per employer."""
    employers = list(f.employers.all())
    per: Counter[int | None] = Counter(f.roster.values_list("employer_id", flat=True))
    by_name = {e.name: per.get(e.pk, 0) for e in employers}
    if per.get(None):
        by_name[str(_("（未填单位）"))] = per[None]
    return {
        "total": sum(per.values()),
        "by_employer": by_name,
        "employees": {e.name: e.employees for e in employers},
    }


def problems(f: Formation) -> list[rules.Problem]:
    """The formation's rule check (工会法 arts. 11 and 14), for the page and for submission."""
    if f.kind not in BASE_KINDS:
        return []  # a township, industry or park union is formed by unions, not by a roster of workers
    c = counts(f)
    per = dict(c["by_employer"])
    return rules.formation_problems(
        joint=f.kind == OrgKind.JOINT_GRASSROOTS, single_employer=f.kind == OrgKind.GRASSROOTS, form=f.form,
        members_by_employer=per if f.kind != OrgKind.NEW_EMPLOYMENT else {}, total_members=c["total"],
        employees_by_employer=c["employees"],
    )  # fmt: skip


def _raise_problems(found: list[rules.Problem]) -> None:
    bad = rules.blocking(found)
    if bad:
        raise ApplicationError(
            " ".join(p.message for p in bad), code=bad[0].code, details={"problems": [p.code for p in bad]}
        )


def _roster_rows(f: Formation) -> list[list[str]]:
    gender = {"M": "男", "F": "女"}
    return [
        [
            e.name,
            gender.get(e.gender, ""),
            e.id_masked,
            e.employer.name if e.employer else "",
            e.get_source_display(),
        ]
        for e in f.roster.select_related("employer")
    ]


def request_body(f: Formation, total: int) -> list[str]:
    if f.request_text.strip():
        return [p.strip() for p in f.request_text.splitlines() if p.strip()]
    units = "、".join(f.employers.values_list("name", flat=True)) or f.name
    lead = _("主席") if f.form == FormationForm.COMMITTEE else _("组织员")
    body = [
        _("根据《中华人民共和国工会法》和《中国工会章程》的有关规定，经%(u)s职工充分酝酿，现有 %(n)d 名职工自愿申请加入工会。"
          "为维护职工合法权益、更好地服务职工，拟成立%(name)s，组织形式为%(form)s，任期 %(y)d 年。") % {
            "u": units, "n": total, "name": f.name, "form": f.form_label, "y": f.term_years},
    ]  # fmt: skip
    if f.chair_name:
        body.append(_("经职工推荐，拟由%(c)s同志担任%(lead)s人选。") % {"c": f.chair_name, "lead": lead})
    return body


@transaction.atomic
def formation_submit(*, user: Any, formation: Formation) -> Formation:
    """Submit for the upper union's review: the rules must hold; the roster (名册) is filed as PDF,
    and the request (请示) is generated from the form unless a signed one was uploaded."""
    f = _lock(formation)
    _editable(f)
    _raise_problems(problems(f))
    if f.kind == OrgKind.JOINT_GRASSROOTS and not f.joint_scope:
        raise ApplicationError(
            _("联合基层工会请选择联合范围（区域、楼宇、商圈、园区、行业）。"),
            code="joint_scope",
            details={"field": "joint_scope"},
        )
    today = timezone.localdate()
    c = counts(f)
    uploaded = f.documents.filter(kind=DocKind.REQUEST, generated=False).exists()
    if not uploaded:
        data = pdfs.request_pdf(name=f.name, to=f.parent.name, body=request_body(f, c["total"]), roster_count=c["total"], on=today,
                                applicant=_("%(n)s筹备组") % {"n": f.name})  # fmt: skip
        documents.store(kind=DocKind.REQUEST, title=_("关于成立%(n)s的请示") % {"n": f.name}, data=data, filename=f"请示-{f.pk}.pdf",
                        org_path=f.org_path, formation=f, user=user)  # fmt: skip
    data = pdfs.roster_pdf(name=f.name, rows=_roster_rows(f), on=today)
    documents.store(kind=DocKind.ROSTER, title=_("%(n)s创始会员名册") % {"n": f.name}, data=data, filename=f"名册-{f.pk}.pdf",
                    org_path=f.org_path, formation=f, user=user)  # fmt: skip
    f.status = FormationStatus.SUBMITTED
    f.submitted_at = timezone.now()
    f.reason = ""
    f.save(update_fields=["status", "submitted_at", "reason", "updated_at"])
    audit_record(
        user=user, action="formation.submit", obj=f, org_path=f.org_path, changes={"members": c["total"]}
    )
    notify.send(notify.accounts(f.parent, Perm.REVIEW), org=f.parent, kind="formation_submitted", key=f"formation:{f.pk}:submit:{int(f.submitted_at.timestamp())}",
                message=_("组建申请待审批：%(n)s（创始会员 %(c)d 人）") % {"n": f.name, "c": c["total"]},
                url=reverse("elections:formation", args=[f.pk]))  # fmt: skip
    return f


def current_documents(f: Formation) -> dict[str, Document]:
    """The latest document of each kind (a resubmission files new ones; the old stay on record)."""
    out: dict[str, Document] = {}
    for d in f.documents.order_by("created_at", "pk"):
        if (
            d.kind == DocKind.REQUEST
            and d.generated
            and out.get(DocKind.REQUEST)
            and not out[DocKind.REQUEST].generated
        ):
            continue  # an uploaded, signed request outranks a generated one
        out[d.kind] = d
    return out


def _decidable(f: Formation) -> None:
    if f.status != FormationStatus.SUBMITTED:
        raise ConflictError(
            _("组建申请当前状态为“%(s)s”，不能审批。") % {"s": f.get_status_display()}, code="not_submitted"
        )


def issuer_name(org: Org) -> str:
    """Who issues an approval: the upper union itself."""
    return org.name


@transaction.atomic
def formation_approve(
    *, user: Any, formation: Formation, founded_on: dt.date | None = None, term_years: int | None = None, reason: str = "",
) -> Formation:  # fmt: skip
    """批复: number the approval (gap-free per year), create the union under the upper union with
    its first term, cover its employers, register the founding roster as its members (numbered
    1..n; register members move from their old union) and file 请示、名册、批复 with the new union
    (seed 004). All or nothing: a founder who cannot be registered fails the approval, named."""
    f = _lock(formation)
    _decidable(f)
    _raise_problems(problems(f))
    employers = list(f.employers.select_related("union"))
    _check_employers(f.parent, employers)
    today = timezone.localdate()
    founded_on = founded_on or today
    if founded_on > today:
        raise ApplicationError(
            _("建会时间不能晚于今天。"), code="future_date", details={"field": "founded_on"}
        )
    years = term_years or f.term_years
    if years not in rules.TERM_YEARS:
        raise ApplicationError(
            _("任期应为 3 年或 5 年（工会法第十六条）。"), code="term_years", details={"field": "term_years"}
        )
    number = documents.next_approval_no(today.year)
    org = org_actions.org_create(
        user=user, parent=f.parent, kind=f.kind, name=f.name, region_code=f.region_code, short_name=f.short_name,
        joint_scope=f.joint_scope if f.kind in (OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT) else "",
        org_form=OrgForm.ORGANISER if f.form == FormationForm.ORGANISER else OrgForm.COMMITTEE,
        founded_on=founded_on, approval_no=number, chair_name=f.chair_name,
        term_number=1, term_start=founded_on, term_end=rules.term_end(founded_on, years),
    )  # fmt: skip
    for e in employers:
        org_actions.employer_update(user=user, employer=e, union=org)
    registered = _register_founders(user=user, f=f, org=org, number=number, founded_on=founded_on)
    c = counts(f)
    body = [
        _("你们《关于成立%(n)s的请示》及创始会员名册收悉。经研究，同意成立%(n)s，组织形式为%(form)s，"
          "创始会员 %(c)d 人，首届任期 %(y)d 年（%(s)s 至 %(e)s）。") % {
            "n": f.name, "form": f.form_label, "c": c["total"], "y": years, "s": founded_on.isoformat(),
            "e": rules.term_end(founded_on, years).isoformat()},
        _("请按照《中华人民共和国工会法》《中国工会章程》的规定，依法选举产生工会委员会（或组织员），健全工作制度，"
          "做好会员登记和会员证发放工作，切实维护职工合法权益。"),
    ]  # fmt: skip
    if reason.strip():
        body.append(reason.strip())
    data = pdfs.approval_pdf(issuer=issuer_name(f.parent), number=number, title=_("关于同意成立%(n)s的批复") % {"n": f.name},
                             to=_("%(n)s筹备组") % {"n": f.name}, body=body, on=today)  # fmt: skip
    documents.store(kind=DocKind.APPROVAL, title=_("关于同意成立%(n)s的批复") % {"n": f.name}, data=data, number=number,
                    filename=f"批复-{f.pk}.pdf", org_path=f.org_path, formation=f, user=user)  # fmt: skip
    # the documents go with the union (有请示、有名册、有批复)
    f.documents.update(org=org, org_path=org.path)
    f.status = FormationStatus.APPROVED
    f.approval_no = number
    f.founded_on = founded_on
    f.term_years = years
    f.org = org
    f.reason = reason.strip()[:500]
    f.decided_by = _u(user)
    f.decided_at = timezone.now()
    f.save()
    audit_record(user=user, action="formation.approve", obj=f, org_path=f.org_path,
                 changes={"org": org.code, "approval_no": number, "employers": [e.pk for e in employers], "members": c["total"],
                          "registered": registered})  # fmt: skip
    _tell_requester(f, _("组建申请已批复：%(n)s（%(no)s）") % {"n": f.name, "no": number})
    return f


def _register_founders(*, user: Any, f: Formation, org: Org, number: str, founded_on: dt.date) -> int:
    """实名制: the founding roster becomes the new union's register — in roster order, so numbered
    1..n — through the register's own action. All or nothing: a row that cannot be registered
    fails the whole approval, named by its row."""
    note = _("建会批复 %(no)s") % {"no": number}
    entries = list(f.roster.select_related("employer").order_by("pk"))
    for row, e in enumerate(entries, start=1):
        try:
            e.membership = member_actions.founder_register(
                user=user,
                org=org,
                name=e.name,
                id_cipher=e.id_cipher,
                employer=e.employer,
                joined_on=founded_on,
                note=note,
            )
        except ApplicationError as err:
            raise type(err)(
                _("创始会员名册第 %(row)d 行（%(n)s，%(id)s）不能登记入会：%(m)s") % {"row": row, "n": e.name, "id": e.id_masked, "m": err.message},
                code=err.code, details={"entry": e.pk, "row": row, "cause": err.details},
            ) from None  # fmt: skip
    RosterEntry.objects.bulk_update(entries, ["membership"])
    return len(entries)


def _tell_requester(f: Formation, message: str) -> None:
    if f.created_by_id:
        notify.send([f.created_by], org=f.parent, kind="formation_decided", key=f"formation:{f.pk}:{f.status}:{int(f.decided_at.timestamp()) if f.decided_at else 0}",
                    message=message, url=reverse("elections:formation", args=[f.pk]))  # fmt: skip


def _close(*, user: Any, formation: Formation, status: str, reason: str, action: str) -> Formation:
    f = _lock(formation)
    _decidable(f)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写理由。"), code="reason_required", details={"field": "reason"})
    f.status = status
    f.reason = reason[:500]
    f.decided_by = _u(user)
    f.decided_at = timezone.now()
    f.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    audit_record(user=user, action=action, obj=f, org_path=f.org_path, changes={"reason": f.reason})
    return f


@transaction.atomic
def formation_reject(*, user: Any, formation: Formation, reason: str) -> Formation:
    f = _close(
        user=user,
        formation=formation,
        status=FormationStatus.REJECTED,
        reason=reason,
        action="formation.reject",
    )
    _tell_requester(f, _("组建申请不予批准：%(n)s。理由：%(r)s") % {"n": f.name, "r": f.reason})
    return f


@transaction.atomic
def formation_return(*, user: Any, formation: Formation, reason: str) -> Formation:
    f = _close(
        user=user,
        formation=formation,
        status=FormationStatus.RETURNED,
        reason=reason,
        action="formation.return",
    )
    _tell_requester(f, _("组建申请退回修改：%(n)s。意见：%(r)s") % {"n": f.name, "r": f.reason})
    return f
