"""Every write to the union tree and to employers. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core import extensions, ids
from gonghui.core.audit import audit_record, diff, snapshot
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.fields import org_path_columns
from gonghui.orgs.models import (
    ALLOWED_CHILDREN,
    FEDERATION_KINDS,
    Employer,
    EmployerSurvey,
    Org,
    OrgKind,
    OrgStatus,
)
from gonghui.reports import counters

ORG_EDITABLE = (
    "name", "short_name", "org_form", "joint_scope", "region_code", "founded_on", "approval_no",
    "credit_code", "chair_name", "term_number", "term_start", "term_end", "full_time_staff", "address",
)  # fmt: skip
EMPLOYER_EDITABLE = ("name", "credit_code", "economic_type", "industry", "region_code", "address")


def _check_region(code: str) -> str:
    try:
        return ids.validate_region_code(code)
    except ValueError as e:
        raise ApplicationError(
            str(getattr(e, "message", e)), code="region_code", details={"field": "region_code"}
        ) from e


def _check_credit_code(code: str) -> str:
    if not code:
        return ""
    try:
        return ids.validate_credit_code(code)
    except ValueError as e:
        raise ApplicationError(
            str(getattr(e, "message", e)), code="credit_code", details={"field": "credit_code"}
        ) from e


def _check_child_kind(parent: Org, kind: str) -> None:
    if kind not in ALLOWED_CHILDREN.get(parent.kind, frozenset()):
        raise ApplicationError(
            _("“%(parent)s”（%(pkind)s）之下不能设立%(kind)s。")
            % {"parent": parent.name, "pkind": parent.get_kind_display(), "kind": OrgKind(kind).label},
            code="kind_not_allowed",
        )
    if not parent.is_active:
        raise ApplicationError(
            _("上级工会“%(name)s”已撤销或合并，不能在其下设立组织。") % {"name": parent.name},
            code="parent_inactive",
        )


def next_org_code(region_code: str) -> str:
    """A stable code: the 6-digit region code and a 4-digit sequence within it."""
    last = (
        Org.objects.filter(code__startswith=region_code, code__regex=r"^\d{10}$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last[6:]) + 1 if last else 1
    return f"{region_code}{seq:04d}"


@transaction.atomic
def org_create(
    *, user: Any, parent: Org | None, kind: str, name: str, region_code: str, code: str = "", **fields: Any
) -> Org:
    """Create a union under `parent` (None only for a new root federation).

    The tree's shape follows DOMAIN.md: base unions (基层工会) have no children; a county
    federation holds townships, industries, systems, parks and base unions.
    """
    region_code = _check_region(region_code)
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写工会全称。"), code="required", details={"field": "name"})
    fields["credit_code"] = _check_credit_code(fields.get("credit_code", ""))
    if parent is not None:
        _check_child_kind(parent, kind)
    elif kind not in FEDERATION_KINDS:
        raise ApplicationError(_("只有省、市(州)、县(区)总工会可以作为顶层组织。"), code="kind_not_allowed")
    if Org.objects.filter(name=name, status=OrgStatus.ACTIVE).exists():
        raise ConflictError(_("已有同名工会“%(name)s”。") % {"name": name}, code="duplicate_name")
    values = {k: v for k, v in fields.items() if k in ORG_EDITABLE}
    attrs = dict(kind=kind, name=name, region_code=region_code, province_code=region_code[:2], **values)
    for _attempt in range(5):
        attrs["code"] = code or next_org_code(region_code)
        try:
            with transaction.atomic():
                org = Org.objects.add_child(parent, attrs) if parent else Org.objects.add_root(attrs)
            break
        except IntegrityError:
            if code:
                raise ConflictError(
                    _("组织代码 %(code)s 已被使用。") % {"code": code}, code="duplicate_code"
                ) from None
    else:  # pragma: no cover - five collisions in a row
        raise ConflictError(_("组织代码分配冲突，请重试。"), code="code_conflict")
    counters.on_org_created(org)
    daycount.on_org(None, daycount.org_state(org))  # campaigns: a base union founded
    audit_record(
        user=user,
        action="org.create",
        obj=org,
        org_path=org.path,
        changes={"kind": kind, "parent": parent.code if parent else None},
    )
    return org


@transaction.atomic
def org_update(*, user: Any, org: Org, **fields: Any) -> Org:
    org = Org.objects.select_for_update().get(pk=org.pk)
    if "region_code" in fields:
        fields["region_code"] = _check_region(fields["region_code"])
        fields["province_code"] = fields["region_code"][:2]
    if "credit_code" in fields:
        fields["credit_code"] = _check_credit_code(fields["credit_code"])
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        if not fields["name"]:
            raise ApplicationError(_("请填写工会全称。"), code="required", details={"field": "name"})
        if Org.objects.filter(name=fields["name"], status=OrgStatus.ACTIVE).exclude(pk=org.pk).exists():
            raise ConflictError(
                _("已有同名工会“%(name)s”。") % {"name": fields["name"]}, code="duplicate_name"
            )
    editable = [k for k in fields if k in ORG_EDITABLE or k == "province_code"]
    before = snapshot(org, editable)
    state = daycount.org_state(org)
    for k in editable:
        setattr(org, k, fields[k])
    if org.term_start and org.term_end and org.term_end <= org.term_start:
        raise ApplicationError(
            _("任期结束日期必须晚于开始日期。"), code="term_dates", details={"field": "term_end"}
        )
    changes = diff(org, before, editable)
    if changes:
        org.save(update_fields=[*editable, "updated_at"])
        daycount.on_org(state, daycount.org_state(org))  # a founding date moved: campaigns count it
        audit_record(user=user, action="org.update", obj=org, org_path=org.path, changes=changes)
    return org


def _repath(old: str, new: str) -> None:
    """Every copy of a path under `old` now starts with `new`: the OrgPathField columns of every
    model, found by introspection (core/fields.py): a new column is covered by being one."""
    for model, field in org_path_columns():
        model._default_manager.filter(**{f"{field}__startswith": old}).update(
            **{field: Concat(Value(new), Substr(F(field), len(old) + 1))}
        )


@transaction.atomic
def org_move(*, user: Any, org: Org, new_parent: Org) -> Org:
    """Move a whole subtree under another parent; everything below keeps its relations."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.get(pk=new_parent.pk)
    if org.is_root():
        raise ApplicationError(_("顶层总工会不能移动。"), code="move_root")
    if new_parent.path.startswith(org.path):
        raise ApplicationError(_("不能把组织移到它自己或它的下级之下。"), code="move_into_self")
    _check_child_kind(new_parent, org.kind)
    old_parent = Org.objects.get_parent(org)
    old_path = org.path
    totals = counters.subtree_figures(old_path)
    Org.objects.move(org, new_parent, "last-child")
    org.refresh_from_db()
    _repath(old_path, org.path)
    counters.on_subtree_moved(old_path[: -Org.steplen], new_parent.path, totals)
    extensions.on_subtree_moved(old_path, org.path)  # the other apps' subtree counters
    audit_record(
        user=user, action="org.move", obj=org, org_path=org.path,
        changes={"parent": [old_parent.code if old_parent else None, new_parent.code]},
    )  # fmt: skip
    return org


def _end_checks(org: Org) -> None:
    if org.is_root():
        raise ApplicationError(_("顶层总工会不能撤销或合并。"), code="end_root")
    if not org.is_active:
        raise ApplicationError(_("“%(name)s”已撤销或合并。") % {"name": org.name}, code="inactive")


def _recover_employers(old: Org, new: Org | None) -> int:
    """Employers covered by `old` are now covered by `new` (None: 未建会); counters follow."""
    employers = list(Employer.objects.select_related("union").filter(union=old))
    for e in employers:
        counters.on_employer_removed(e)
        e.union = new
        counters.on_employer_added(e)
    Employer.objects.filter(pk__in=[e.pk for e in employers]).update(union=new, updated_at=timezone.now())
    return len(employers)


# Hooks from later apps: functions(org) that raise ApplicationError when an org can't end
# (e.g. it still has active members).
END_GUARDS: list = []


@transaction.atomic
def org_dissolve(*, user: Any, org: Org, on: dt.date | None = None, reason: str = "") -> Org:
    """Dissolve a union. Refused while it has active sub-unions (move or dissolve them first);
    employers it covered become 未建会."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _end_checks(org)
    active_children = Org.objects.get_children(org).filter(status=OrgStatus.ACTIVE).count()
    if active_children:
        raise ApplicationError(
            _("“%(name)s”下还有 %(n)d 个正常状态的下级工会，请先移走或撤销。")
            % {"name": org.name, "n": active_children},
            code="has_children",
        )
    for guard in END_GUARDS:
        guard(org)
    released = _recover_employers(org, None)
    state = daycount.org_state(org)
    org.status = OrgStatus.DISSOLVED
    org.ended_on = on or timezone.localdate()
    org.save(update_fields=["status", "ended_on", "updated_at"])
    counters.on_org_ended(org)
    daycount.on_org(state, daycount.org_state(org))
    audit_record(
        user=user, action="org.dissolve", obj=org, org_path=org.path,
        changes={"status": ["active", "dissolved"], "reason": reason, "employers_released": released},
    )  # fmt: skip
    return org


MERGE_HOOKS: list = []  # later apps: functions(source, target) moving their rows (e.g. members)


@transaction.atomic
def org_merge(*, user: Any, source: Org, target: Org, on: dt.date | None = None) -> Org:
    """Merge `source` into `target`: its sub-unions move under the target, the employers it
    covered are covered by the target, and it is marked merged."""
    source = Org.objects.select_for_update().get(pk=source.pk)
    target = Org.objects.get(pk=target.pk)
    _end_checks(source)
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ApplicationError(_("不能并入自己或自己的下级。"), code="merge_into_self")
    if not target.is_active:
        raise ApplicationError(
            _("“%(name)s”已撤销或合并，不能作为合并目标。") % {"name": target.name}, code="target_inactive"
        )
    if source.kind != target.kind and not (source.is_base and target.is_base):
        raise ApplicationError(
            _("只能合并同类工会：%(a)s 与 %(b)s 不同类。")
            % {"a": source.get_kind_display(), "b": target.get_kind_display()},
            code="merge_kind",
        )
    moved = 0
    for child in list(Org.objects.get_children(source).filter(status=OrgStatus.ACTIVE)):
        org_move(user=user, org=child, new_parent=target)
        moved += 1
    n_emp = _recover_employers(source, target)
    for hook in MERGE_HOOKS:
        hook(source, target)
    source.refresh_from_db()
    state = daycount.org_state(source)
    source.status = OrgStatus.MERGED
    source.merged_into = target
    source.ended_on = on or timezone.localdate()
    source.save(update_fields=["status", "merged_into", "ended_on", "updated_at"])
    counters.on_org_ended(source)
    daycount.on_org(state, daycount.org_state(source))
    audit_record(
        user=user, action="org.merge", obj=source, org_path=source.path,
        changes={"merged_into": target.code, "children_moved": moved, "employers_moved": n_emp},
    )  # fmt: skip
    return source


# --- employers ---------------------------------------------------------------------------


def _check_union_for(employer_area: Org, union: Org | None) -> None:
    if union is None:
        return
    if not union.is_base:
        raise ApplicationError(
            _("用人单位只能由基层工会或联合基层工会覆盖。"), code="union_kind", details={"field": "union"}
        )
    if not union.is_active:
        raise ApplicationError(
            _("“%(name)s”已撤销或合并。") % {"name": union.name},
            code="union_inactive",
            details={"field": "union"},
        )


@transaction.atomic
def employer_create(
    *, user: Any, area_org: Org, name: str, region_code: str, union: Org | None = None, **fields: Any
) -> Employer:
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写单位名称。"), code="required", details={"field": "name"})
    region_code = _check_region(region_code)
    credit = _check_credit_code(fields.pop("credit_code", "") or "") or None
    if credit and Employer.objects.filter(credit_code=credit).exists():
        raise ConflictError(
            _("统一社会信用代码 %(c)s 已登记。") % {"c": credit},
            code="duplicate_credit_code",
            details={"field": "credit_code"},
        )
    _check_union_for(area_org, union)
    values = {k: v for k, v in fields.items() if k in EMPLOYER_EDITABLE}
    employer = Employer.objects.create(
        name=name, region_code=region_code, province_code=region_code[:2], credit_code=credit,
        area_org=area_org, area_path=area_org.path, union=union, **values,
    )  # fmt: skip
    counters.on_employer_added(employer)
    audit_record(user=user, action="employer.create", obj=employer, org_path=employer.area_path)
    return employer


@transaction.atomic
def employer_update(*, user: Any, employer: Employer, **fields: Any) -> Employer:
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if "region_code" in fields:
        fields["region_code"] = _check_region(fields["region_code"])
        employer.province_code = fields["region_code"][:2]
    if "credit_code" in fields:
        fields["credit_code"] = _check_credit_code(fields["credit_code"] or "") or None
        if (
            fields["credit_code"]
            and Employer.objects.filter(credit_code=fields["credit_code"]).exclude(pk=employer.pk).exists()
        ):
            raise ConflictError(
                _("统一社会信用代码 %(c)s 已登记。") % {"c": fields["credit_code"]},
                code="duplicate_credit_code",
                details={"field": "credit_code"},
            )
    if "name" in fields and not fields["name"].strip():
        raise ApplicationError(_("请填写单位名称。"), code="required", details={"field": "name"})
    editable = [k for k in fields if k in EMPLOYER_EDITABLE]
    tracked = [*editable, "union_id"]
    before = snapshot(employer, tracked)
    counters.on_employer_removed(employer)
    for k in editable:
        setattr(employer, k, fields[k])
    if "union" in fields:
        _check_union_for(employer.area_org, fields["union"])
        employer.union = fields["union"]
    changes = diff(employer, before, tracked)
    counters.on_employer_added(employer)
    if changes:
        employer.save()
        audit_record(
            user=user, action="employer.update", obj=employer, org_path=employer.area_path, changes=changes
        )
    return employer


@transaction.atomic
def employer_survey_record(
    *,
    user: Any,
    employer: Employer,
    surveyed_on: dt.date,
    operating_status: str,
    employees: int,
    members: int,
    migrant_workers: int,
    migrant_members: int,
    address: str = "",
    note: str = "",
) -> EmployerSurvey:
    """Record a dated survey snapshot (摸底, seed 004 六个掌握); the latest one is copied onto the employer."""
    facts = dict(
        employees=employees, members=members, migrant_workers=migrant_workers, migrant_members=migrant_members
    )
    for k, v in facts.items():
        if v is None or v < 0:
            raise ApplicationError(_("人数不能为负数。"), code="negative", details={"field": k})
    if members > employees:
        raise ApplicationError(
            _("会员数（%(m)d）不能大于职工数（%(e)d）。") % {"m": members, "e": employees},
            code="members_gt_employees",
            details={"field": "members"},
        )
    if migrant_workers > employees:
        raise ApplicationError(
            _("农民工数不能大于职工数。"), code="migrants_gt_employees", details={"field": "migrant_workers"}
        )
    if migrant_members > min(members, migrant_workers):
        raise ApplicationError(
            _("农民工会员数不能大于会员数或农民工数。"),
            code="migrant_members",
            details={"field": "migrant_members"},
        )
    if surveyed_on > timezone.localdate():
        raise ApplicationError(
            _("摸底日期不能晚于今天。"), code="future_date", details={"field": "surveyed_on"}
        )
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    survey = EmployerSurvey.objects.create(
        employer=employer, surveyed_on=surveyed_on, operating_status=operating_status, address=address or employer.address,
        note=note, surveyed_by=user if getattr(user, "is_authenticated", False) else None, **facts,
    )  # fmt: skip
    if employer.surveyed_on is None or surveyed_on >= employer.surveyed_on:
        counters.on_employer_removed(employer)
        for k, v in facts.items():
            setattr(employer, k, v)
        employer.operating_status = operating_status
        employer.surveyed_on = surveyed_on
        if address:
            employer.address = address
        employer.save()
        counters.on_employer_added(employer)
    audit_record(
        user=user,
        action="employer.survey",
        obj=employer,
        org_path=employer.area_path,
        changes={"surveyed_on": str(surveyed_on), **facts},
    )
    return survey
