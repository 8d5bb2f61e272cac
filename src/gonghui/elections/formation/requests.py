"""组建: the request (请示) — create, edit, upload the signed request, submit with the roster (seed 004)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.elections import conf, documents, notify, pdfs
from gonghui.elections.formation.common import (
    FIELDS,
    _check_employers,
    _check_fields,
    _editable,
    _lock,
    _raise_problems,
    _u,
    counts,
    problems,
)
from gonghui.elections.models import (
    DocKind,
    Document,
    Formation,
    FormationForm,
    FormationStatus,
)  # fmt: skip
from gonghui.orgs.models import Employer, Org, OrgKind


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
