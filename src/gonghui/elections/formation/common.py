"""组建: what every step of a formation shares — fields, checks against the law (工会法 arts. 11, 14), locking."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core import ids
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import rules
from gonghui.elections.models import (
    Formation,
    FormationForm,
    FormationStatus,
)  # fmt: skip
from gonghui.orgs.models import ALLOWED_CHILDREN, BASE_KINDS, Employer, Org, OrgKind, OrgStatus

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


def _u(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


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
