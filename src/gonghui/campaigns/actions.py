"""Every write to campaigns. Each is atomic and audited (DESIGN.md); progress is never written,
it is counted from the register (selectors.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.campaigns import arithmetic as ar
from gonghui.campaigns import selectors
from gonghui.campaigns.models import (
    Allocation,
    BaselineSource,
    Campaign,
    Measure,
    NoteKind,
    SplitMethod,
    SupervisionNote,
    WorkGroup,
    WorkGroupUnit,
)  # fmt: skip
from gonghui.core.audit import audit_record, diff, snapshot
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.orgs.models import Org, OrgStatus

CAMPAIGN_EDITABLE = (
    "name", "description", "starts_on", "ends_on", "baseline_source", "baseline_on", "baseline", "growth_rate",
    "net_minimum", "behind_margin",
)  # fmt: skip
MAX_DAYS = 366 * 5


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _field_error(message: str, field: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, details={"field": field})


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise _field_error(_("请填写数字。"), field) from None
    if not d.is_finite():
        raise _field_error(_("请填写数字。"), field)
    return d


def _check_target_inputs(values: dict[str, Any]) -> None:
    name = (values.get("name") or "").strip()
    if not name:
        raise _field_error(_("请填写行动名称。"), "name", "required")
    values["name"] = name[:120]
    start, end = values["starts_on"], values["ends_on"]
    if start is None or end is None:
        raise _field_error(_("请填写开始和结束日期。"), "starts_on", "required")
    if end <= start:
        raise _field_error(_("结束日期必须晚于开始日期。"), "ends_on", "period")
    if (end - start).days > MAX_DAYS:
        raise _field_error(_("行动期限不能超过五年。"), "ends_on", "period")
    if values.get("baseline_on") is None:
        values["baseline_on"] = start - dt.timedelta(days=1)
    if values["baseline_on"] > start:
        raise _field_error(_("基数日期不能晚于开始日期。"), "baseline_on", "baseline_on")
    rate = _decimal(values.get("growth_rate"), "growth_rate")
    if rate is not None and not (Decimal(0) <= rate <= Decimal(1000)):
        raise _field_error(_("增长率应在 0% 到 1000% 之间。"), "growth_rate", "growth_rate")
    values["growth_rate"] = rate
    net = values.get("net_minimum")
    if net is not None and (not isinstance(net, int) or net < 0 or net > 10_000_000):
        raise _field_error(_("净增数应为不小于 0 的整数。"), "net_minimum", "net_minimum")
    if rate is None and net is None:
        raise _field_error(
            _("请至少填写增长率或净增数之一（两者都填时取其大者）。"), "growth_rate", "target_required"
        )
    margin = _decimal(values.get("behind_margin"), "behind_margin")
    if margin is None:
        margin = Decimal(5)
    if not (Decimal(0) <= margin <= Decimal(100)):
        raise _field_error(_("落后判定应在 0 到 100 个百分点之间。"), "behind_margin", "behind_margin")
    values["behind_margin"] = margin
    if values.get("baseline_source") not in BaselineSource.values:
        raise _field_error(_("基数来源无效。"), "baseline_source")


def _baseline(values: dict[str, Any], measure: str, org: Org) -> int:
    if values["baseline_source"] == BaselineSource.REGISTER:
        return selectors.baseline_total(measure, org, values["baseline_on"])
    baseline = values.get("baseline")
    if baseline is None:
        raise _field_error(_("手工填写基数时请填写基数。"), "baseline", "required")
    if not isinstance(baseline, int) or baseline < 0 or baseline > 100_000_000:
        raise _field_error(_("基数应为不小于 0 的整数。"), "baseline", "baseline")
    return baseline


@transaction.atomic
def campaign_create(
    *, user: Any, org: Org, name: str, measure: str, starts_on: dt.date, ends_on: dt.date,
    baseline_source: str = BaselineSource.REGISTER, baseline_on: dt.date | None = None, baseline: int | None = None,
    growth_rate: Any = None, net_minimum: int | None = None, behind_margin: Any = None, description: str = "",
    split_method: str = "",
) -> Campaign:  # fmt: skip
    """Set up a campaign (seed 000): the baseline from the register as of a date (or entered where the
    register has no history), the target from a growth rate and/or a net number — the larger wins —
    and the lead union's own share (= the target), optionally split at once to the next level."""
    if measure not in Measure.values:
        raise _field_error(_("考核指标无效。"), "measure")
    if org.is_base:
        raise _field_error(
            _("集中行动应由总工会或乡镇(街道)、行业、系统工会牵头，基层工会不能再分解任务。"),
            "org",
            "org_kind",
        )
    if not org.is_active:
        raise _field_error(_("“%(name)s”已撤销或合并。") % {"name": org.name}, "org", "org_inactive")
    values = {"name": name, "starts_on": starts_on, "ends_on": ends_on, "baseline_source": baseline_source,
              "baseline_on": baseline_on, "baseline": baseline, "growth_rate": growth_rate, "net_minimum": net_minimum,
              "behind_margin": behind_margin}  # fmt: skip
    _check_target_inputs(values)
    values["baseline"] = _baseline(values, measure, org)
    target = ar.target_net(values["baseline"], values["growth_rate"], values["net_minimum"])
    campaign = Campaign.objects.create(
        org=org, org_path=org.path, measure=measure, description=(description or "").strip(), target_net=target,
        created_by=_user(user), **values,
    )  # fmt: skip
    Allocation.objects.create(
        campaign=campaign, org=org, org_path=org.path, target=target, baseline=campaign.baseline
    )
    audit_record(
        user=_user(user), action="campaign.create", obj=campaign, org_path=org.path,
        changes={"measure": measure, "baseline": campaign.baseline, "growth_rate": _plain(campaign.growth_rate),
                 "net_minimum": campaign.net_minimum, "target_net": target,
                 "period": [starts_on.isoformat(), ends_on.isoformat()]},
    )  # fmt: skip
    if split_method:
        if split_method == SplitMethod.MANUAL:
            raise _field_error(_("逐个填写请在建立后到“分解任务”页面进行。"), "split_method")
        campaign_allocate(user=user, campaign=campaign, org=org, method=split_method)
    return campaign


def _plain(v: Any) -> Any:
    return str(v) if isinstance(v, Decimal) else v


@transaction.atomic
def campaign_update(*, user: Any, campaign: Campaign, **fields: Any) -> Campaign:
    """Change the campaign's terms. The baseline is recounted from the register only when its date
    or source changes; a new target flows down: the lead union's share changes and every split
    below is redone with the method it was made with."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    editable = [k for k in fields if k in CAMPAIGN_EDITABLE]
    values = {k: getattr(campaign, k) for k in CAMPAIGN_EDITABLE}
    values.update({k: fields[k] for k in editable})
    _check_target_inputs(values)
    recount = values["baseline_source"] == BaselineSource.REGISTER and (
        values["baseline_on"] != campaign.baseline_on or campaign.baseline_source != BaselineSource.REGISTER
    )
    if values["baseline_source"] == BaselineSource.ENTERED or recount:
        values["baseline"] = _baseline(values, campaign.measure, campaign.org)
    else:
        values["baseline"] = campaign.baseline
    values["target_net"] = ar.target_net(values["baseline"], values["growth_rate"], values["net_minimum"])
    tracked = [*CAMPAIGN_EDITABLE, "target_net"]
    before = snapshot(campaign, tracked)
    for k in tracked:
        setattr(campaign, k, values[k])
    changes = diff(campaign, before, tracked)
    if changes:
        campaign.save(update_fields=[*tracked, "updated_at"])
        audit_record(
            user=_user(user),
            action="campaign.update",
            obj=campaign,
            org_path=campaign.org_path,
            changes=changes,
        )
    if "target_net" in changes or "baseline" in changes:
        root = Allocation.objects.select_for_update().get(campaign=campaign, org=campaign.org)
        root.target, root.baseline = campaign.target_net, campaign.baseline
        root.save(update_fields=["target", "baseline", "updated_at"])
        _resplit(user, root)
    return campaign


def _resplit(user: Any, parent: Allocation) -> None:
    """Redo a unit's existing split after its share changed, with the weights kept from the split
    (manual splits are scaled in proportion to the numbers entered)."""
    if not parent.split_method:
        return
    rows = list(parent.children.select_related("org").order_by("org_path"))
    if not rows:
        return
    if parent.split_method == SplitMethod.EQUAL:
        weights: list[int] = [1] * len(rows)
    else:
        weights = [r.weight for r in rows]
    targets = ar.largest_remainder(parent.target, weights)
    changed = {}
    for r, t in zip(rows, targets, strict=True):
        if r.target != t:
            changed[r.org.code] = [r.target, t]
            r.target = t
            r.save(update_fields=["target", "updated_at"])
            _resplit(user, r)
    if changed:
        audit_record(user=_user(user), action="campaign.allocate", obj=parent.campaign, org_path=parent.org_path,
                     changes={"unit": parent.org.code, "method": parent.split_method, "targets": changed, "cascade": True})  # fmt: skip


def _weights(campaign: Campaign, org: Org, children: list[Org], method: str, manual: dict[str, Any] | None,
             target: int) -> tuple[list[int], list[int]]:  # fmt: skip
    """(weights kept on the rows, targets)."""
    if method == SplitMethod.EQUAL:
        return [1] * len(children), ar.largest_remainder(target, [1] * len(children))
    if method == SplitMethod.BASELINE:
        base = selectors.baselines_of(campaign.measure, children, campaign.baseline_on)
        weights = [base[c.pk] for c in children]
        if not any(weights):
            raise ApplicationError(
                _("会员库中这些单位在基数日期（%(d)s）没有数据，无法按基数比例分解，请选择其他方式。") % {"d": campaign.baseline_on},
                code="no_weights", details={"field": "method"},
            )  # fmt: skip
        return weights, ar.largest_remainder(target, weights)
    if method == SplitMethod.POTENTIAL:
        pot = selectors.potentials_of(campaign.measure, children, org)
        weights = [pot[c.pk] for c in children]
        if not any(weights):
            raise ApplicationError(_("摸底调查中这些单位没有可发展的潜力数，无法按潜力分解，请选择其他方式。"),
                                   code="no_weights", details={"field": "method"})  # fmt: skip
        return weights, ar.largest_remainder(target, weights)
    if method != SplitMethod.MANUAL:
        raise ApplicationError(_("分解方式无效。"), code="invalid", details={"field": "method"})
    manual = manual or {}
    known = {c.code for c in children}
    unknown = sorted(set(manual) - known)
    if unknown:
        raise ApplicationError(
            _("“%(code)s”不是本单位的直接下级。") % {"code": unknown[0]},
            code="unknown_unit",
            details={"field": "manual"},
        )
    values = []
    for c in children:
        raw = manual.get(c.code, 0)
        try:
            v = int(raw if raw not in (None, "") else 0)
        except (TypeError, ValueError):
            raise ApplicationError(
                _("“%(name)s”的任务数应为整数。") % {"name": c.name},
                code="invalid",
                details={"field": c.code},
            ) from None
        if v < 0 or (isinstance(raw, float) and raw != v):
            raise ApplicationError(
                _("“%(name)s”的任务数不能为负数或小数。") % {"name": c.name},
                code="invalid",
                details={"field": c.code},
            )
        values.append(v)
    if sum(values) != target:
        raise ApplicationError(
            _("各单位任务之和为 %(sum)d，与本级任务 %(target)d 不相等（相差 %(diff)+d）。")
            % {"sum": sum(values), "target": target, "diff": sum(values) - target},
            code="sum_mismatch", details={"field": "manual", "sum": sum(values), "target": target},
        )  # fmt: skip
    return values, values


@transaction.atomic
def campaign_allocate(
    *, user: Any, campaign: Campaign, org: Org, method: str, manual: dict[str, Any] | None = None
) -> list[Allocation]:
    """Split a unit's share among its direct sub-unions (分解任务, seed 000 "将6000人的任务分解到了各基层
    和行业工会"): in proportion to their baselines, to their potential from the survey, equally, or by
    hand. Largest remainder: the children's targets always sum exactly to the unit's share. A split
    replaces the previous one; sub-units that had split their own share redo it on their new share."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    parent = Allocation.objects.select_related("org").filter(campaign=campaign, org=org).first()
    if parent is None:
        raise ApplicationError(
            _("“%(name)s”还没有分得任务，请先由上级把任务分解到本单位。") % {"name": org.name},
            code="not_allocated",
        )
    children = list(
        Org.objects.filter(path__startswith=org.path, depth=org.depth + 1, status=OrgStatus.ACTIVE).order_by(
            "path"
        )
    )
    if not children:
        raise ApplicationError(
            _("“%(name)s”没有下级工会，任务无法再分解。") % {"name": org.name}, code="no_children"
        )
    weights, targets = _weights(campaign, org, children, method, manual, parent.target)
    baselines = selectors.baselines_of(campaign.measure, children, campaign.baseline_on)
    existing = {a.org_id: a for a in parent.children.all()}
    changed: dict[str, list[Any]] = {}
    now = timezone.now()
    rows = []
    for c, w, t in zip(children, weights, targets, strict=True):
        a = existing.pop(c.pk, None)
        if a is None:
            a = Allocation.objects.create(
                campaign=campaign,
                org=c,
                org_path=c.path,
                parent=parent,
                target=t,
                baseline=baselines[c.pk],
                weight=w,
            )
            changed[c.code] = [None, t]
        else:
            if a.target != t:
                changed[c.code] = [a.target, t]
            a.target, a.weight, a.baseline = t, w, baselines[c.pk]
            a.save(update_fields=["target", "weight", "baseline", "updated_at"])
            if c.code in changed:
                _resplit(user, a)
        rows.append(a)
    for stale in existing.values():  # a sub-union ended since the last split: its share is redistributed
        changed[stale.org.code] = [stale.target, None]
        stale.delete()
    before_method = parent.split_method
    parent.split_method, parent.split_at, parent.split_by = method, now, _user(user)
    parent.save(update_fields=["split_method", "split_at", "split_by", "updated_at"])
    audit_record(
        user=_user(user), action="campaign.allocate", obj=campaign, org_path=org.path,
        changes={"unit": org.code, "method": method, "previous_method": before_method, "target": parent.target, "targets": changed},
    )  # fmt: skip
    return rows


def _check_units(campaign: Campaign, units: list[Org]) -> list[Org]:
    out = []
    for u in units:
        if not u.path.startswith(campaign.org_path) or u.pk == campaign.org_id:
            raise ApplicationError(
                _("“%(name)s”不是本次行动的下级单位。") % {"name": u.name},
                code="unit_scope",
                details={"field": "units"},
            )
        if u not in out:
            out.append(u)
    return out


@transaction.atomic
def workgroup_save(
    *, user: Any, campaign: Campaign, name: str, leader: str, members: str = "", units: list[Org], group: WorkGroup | None = None,
) -> WorkGroup:  # fmt: skip
    """A work group (seed 004: 县总工会工作人员分成3个工作组，每个工作组由一名领导任组长，任务到组，
    责任到人): one leader, its units; a unit belongs to one group only."""
    name, leader = (name or "").strip(), (leader or "").strip()
    if not name:
        raise _field_error(_("请填写工作组名称。"), "name", "required")
    if not leader:
        raise _field_error(_("请填写组长。"), "leader", "required")
    units = _check_units(campaign, units)
    clash = WorkGroup.objects.filter(campaign=campaign, name=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ConflictError(
            _("已有同名工作组“%(name)s”。") % {"name": name}, code="duplicate_name", details={"field": "name"}
        )
    taken = WorkGroupUnit.objects.filter(campaign=campaign, org__in=units).select_related("group", "org")
    if group is not None:
        taken = taken.exclude(group=group)
    if (t := taken.first()) is not None:
        raise ConflictError(
            _("“%(unit)s”已由“%(group)s”负责，一个单位只能属于一个工作组。") % {"unit": t.org.name, "group": t.group.name},
            code="unit_taken", details={"field": "units"},
        )  # fmt: skip
    if group is None:
        sort = WorkGroup.objects.filter(campaign=campaign).count() + 1
        group = WorkGroup.objects.create(
            campaign=campaign, name=name, leader=leader, members=(members or "").strip()[:200], sort=sort
        )
        before_units: list[str] = []
        action = "campaign.group_create"
    else:
        group = WorkGroup.objects.select_for_update().get(pk=group.pk, campaign=campaign)
        before_units = sorted(group.units.values_list("org__code", flat=True))
        group.name, group.leader, group.members = name, leader, (members or "").strip()[:200]
        group.save(update_fields=["name", "leader", "members"])
        group.units.all().delete()
        action = "campaign.group_update"
    WorkGroupUnit.objects.bulk_create([WorkGroupUnit(campaign=campaign, group=group, org=u) for u in units])
    audit_record(user=_user(user), action=action, obj=campaign, org_path=campaign.org_path,
                 changes={"group": name, "leader": leader, "units": [before_units, sorted(u.code for u in units)]})  # fmt: skip
    return group


@transaction.atomic
def note_create(
    *, user: Any, campaign: Campaign, org: Org, on: dt.date, findings: str, kind: str = NoteKind.VISIT, follow_up: str = "",
    due_on: dt.date | None = None, group: WorkGroup | None = None,
) -> SupervisionNote:  # fmt: skip
    """督促检查 (seed 000 "强化督促检查"): what a visit or check of a unit found and what must follow."""
    if not org.path.startswith(campaign.org_path):
        raise _field_error(_("“%(name)s”不是本次行动的单位。") % {"name": org.name}, "org", "unit_scope")
    findings = (findings or "").strip()
    if not findings:
        raise _field_error(_("请填写发现的问题或检查情况。"), "findings", "required")
    if kind not in NoteKind.values:
        raise _field_error(_("检查方式无效。"), "kind")
    if on > timezone.localdate():
        raise _field_error(_("检查日期不能晚于今天。"), "on", "future_date")
    if due_on is not None and due_on < on:
        raise _field_error(_("整改期限不能早于检查日期。"), "due_on", "due_on")
    if group is not None and group.campaign_id != campaign.pk:
        raise _field_error(_("工作组不属于本次行动。"), "group")
    note = SupervisionNote.objects.create(
        campaign=campaign, org=org, org_path=org.path, group=group, on=on, kind=kind, findings=findings[:4000],
        follow_up=(follow_up or "").strip()[:4000], due_on=due_on, written_by=_user(user),
    )  # fmt: skip
    audit_record(user=_user(user), action="campaign.note_create", obj=note, org_path=org.path,
                 changes={"campaign": campaign.pk, "on": on.isoformat(), "kind": kind})  # fmt: skip
    return note


@transaction.atomic
def note_complete(*, user: Any, note: SupervisionNote, done_on: dt.date, result: str = "") -> SupervisionNote:
    """Record that the follow-up of a supervision note was done (整改完成)."""
    note = SupervisionNote.objects.select_for_update().get(pk=note.pk)
    if note.done:
        raise ApplicationError(_("该督查记录已标记为整改完成。"), code="already_done")
    if done_on < note.on:
        raise _field_error(_("整改完成日期不能早于检查日期。"), "done_on", "done_on")
    if done_on > timezone.localdate():
        raise _field_error(_("整改完成日期不能晚于今天。"), "done_on", "future_date")
    note.done, note.done_on, note.result = True, done_on, (result or "").strip()[:4000]
    note.save(update_fields=["done", "done_on", "result"])
    audit_record(user=_user(user), action="campaign.note_done", obj=note, org_path=note.org_path,
                 changes={"done": [False, True], "done_on": done_on.isoformat()})  # fmt: skip
    return note
