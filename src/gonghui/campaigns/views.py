"""Campaign pages. Each view: gatekeeper, form, one action, redirect (orgs/views.py style)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.campaigns import actions, arithmetic, briefing, forms, scope, selectors
from gonghui.campaigns.models import Allocation, BaselineSource, Campaign, SplitMethod, WorkGroup
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.members.actions import export_record
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus


def _crumbs(campaign: Campaign | None = None, *units: Org) -> list[dict[str, str]]:
    out = [{"url": reverse("campaigns:list"), "label": _("集中行动")}]
    if campaign is None:
        return out
    out.append({"url": reverse("campaigns:detail", args=[campaign.pk]), "label": campaign.name})
    for u in units:
        out.append(
            {"url": reverse("campaigns:unit", args=[campaign.pk, u.code]), "label": u.short_name or u.name}
        )
    return out


def _form_page(
    request: HttpRequest, form: Any, *, title: str, crumbs: list[dict[str, str]], **extra: Any
) -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "crumbs": crumbs, **extra})


def _can_manage_campaign(user: Any, campaign: Campaign) -> bool:
    return access.has_perm(user, Perm.CAMPAIGN_MANAGE) and access.in_scope(user, campaign.org_path)


# --- list, create, edit -------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def campaign_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    prefix = access.scope_path(user)
    campaigns = list(scope.visible_campaigns(user).order_by("-starts_on", "-id")[:100])
    roots: dict[int, Org] = {c.pk: (c.org if c.org_path.startswith(prefix) else user.org) for c in campaigns}
    targets = {
        (a.campaign_id, a.org_path): a.target
        for a in Allocation.objects.filter(
            campaign__in=campaigns, org_path__in={r.path for r in roots.values()}
        )
    }
    today = timezone.localdate()
    done_by_campaign = selectors.roots_done([(c, roots[c.pk]) for c in campaigns], on=today)
    rows = []
    for c in campaigns:
        root = roots[c.pk]
        target = targets.get((c.pk, root.path))
        done = done_by_campaign[c.pk]
        time = arithmetic.time_progress(c.starts_on, c.ends_on, today)
        rows.append({
            "c": c, "root": root, "target": target, "done": done, "pct": arithmetic.percent(arithmetic.completion(done, target)),
            "time_pct": arithmetic.percent(time), "behind": arithmetic.is_behind(done, target, time, c.behind_margin),
            "state": _("未开始") if today < c.starts_on else _("已结束") if today > c.ends_on else _("进行中"),
        })  # fmt: skip
    return render(request, "campaigns/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@access.page(Perm.CAMPAIGN_MANAGE)
def campaign_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    start, end = arithmetic.stat_year(timezone.localdate())
    initial = {"starts_on": start, "ends_on": end, "baseline_source": BaselineSource.REGISTER, "behind_margin": 5,
               "org": user.org.code, "name": _("%(y)d年度农民工集中入会行动") % {"y": end.year}, "measure": "migrant_members"}  # fmt: skip
    form = forms.CampaignCreateForm(
        request.POST or None, scope=access.scoped_orgs(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        org = access.get_org(request.user, data.pop("org"), Perm.CAMPAIGN_MANAGE)
        try:
            campaign = actions.campaign_create(user=request.user, org=org, **data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(
                request,
                _("已建立“%(name)s”，目标任务 %(n)d。") % {"name": campaign.name, "n": campaign.target_net},
            )
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(request, form, title=_("新建集中行动"), crumbs=_crumbs(), cancel_url=reverse("campaigns:list"),
                      intro=_("目标任务可按增长率、净增数或两者设定，两者都填时取其大者。基数可按会员库截至基数日期计算，会员库无历史数据时手工填写。"))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.CAMPAIGN_MANAGE)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = scope.get_campaign(request.user, pk, Perm.CAMPAIGN_MANAGE)
    initial = {f: getattr(campaign, f) for f in forms.CampaignEditForm.base_fields}
    form = forms.CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.campaign_update(user=request.user, campaign=campaign, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已保存，目标任务 %(n)d。") % {"n": campaign.target_net})
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(request, form, title=_("修改：%(name)s") % {"name": campaign.name}, crumbs=_crumbs(campaign),
                      cancel_url=reverse("campaigns:detail", args=[campaign.pk]),
                      intro=_("目标任务变化后，各级已分解的任务按原分解方式自动重新分解。"))  # fmt: skip


# --- the board ----------------------------------------------------------------------------


def _chart_data(b: selectors.Board, trend: dict[str, Any]) -> dict[str, Any]:
    units = [u for u in b.children if u.target or u.done]
    return {
        "time": b.time_pct,
        "units": [u.org.short_name or u.org.name for u in units],
        "codes": [u.org.code for u in units],
        "pct": [u.pct if u.pct is not None else 0 for u in units],
        "target": [u.target for u in units],
        "done": [u.done for u in units],
        "behind": [u.behind for u in units],
        "trend": trend,
        "labels": {
            "target": _("目标"),
            "done": _("完成"),
            "pct": _("完成率"),
            "time": _("序时进度"),
            "behind": _("落后"),
            "cumulative": _("累计完成"),
            "plan": _("序时目标"),
        },
    }


def _board_page(request: HttpRequest, campaign: Campaign, root: Org, top: Org) -> HttpResponse:
    b = selectors.board(campaign, root=root)
    trend = selectors.trend(campaign, root, on=b.on)
    between = [root.path[:k] for k in range(len(top.path), len(root.path), Org.steplen)]
    ancestors = list(Org.objects.filter(path__in=between).order_by("path")) if between else []
    notes = list(selectors.notes_under(campaign, root)[:10])
    can_manage = access.has_perm(request.user, Perm.CAMPAIGN_MANAGE)
    ctx = {
        "campaign": campaign, "b": b, "root": root, "top": top, "ancestors": ancestors, "notes": notes,
        "chart": _chart_data(b, trend), "is_top": root.pk == top.pk, "is_lead": root.pk == campaign.org_id,
        "can_manage_campaign": _can_manage_campaign(request.user, campaign),
        "can_split": can_manage and b.root.allocation is not None and not root.is_base,
        "can_note": can_manage,
        "open_notes": selectors.notes_under(campaign, root).filter(done=False).count(),
    }  # fmt: skip
    return render(request, "campaigns/detail.html", ctx)


@require_GET
@access.page(Perm.VIEW)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, top = scope.get_campaign_view(request.user, pk)
    return _board_page(request, campaign, top, top)


@require_GET
@access.page(Perm.VIEW)
def unit_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, top = scope.get_campaign_view(request.user, pk)
    org = scope.get_unit(request.user, campaign, code)
    return _board_page(request, campaign, org, top)


# --- allocation ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.page(Perm.CAMPAIGN_MANAGE)
def allocate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, top = scope.get_campaign_view(request.user, pk)
    org = scope.get_unit(request.user, campaign, code, Perm.CAMPAIGN_MANAGE)
    parent = Allocation.objects.filter(campaign=campaign, org=org).first()
    children = list(
        Org.objects.filter(
            selectors.org_under(org.path), depth=org.depth + 1, status=OrgStatus.ACTIVE
        ).order_by("path")
    )
    current = {a.org_id: a.target for a in parent.children.all()} if parent else {}
    initial: dict[str, Any] = {"method": (parent.split_method if parent else "") or SplitMethod.POTENTIAL}
    initial.update({f"t_{c.code}": current.get(c.pk, 0) for c in children})
    form = forms.AllocateForm(request.POST or None, children=children, initial=initial)
    if parent is not None and request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        try:
            actions.campaign_allocate(user=request.user, campaign=campaign, org=org, method=method,
                                      manual=form.manual() if method == SplitMethod.MANUAL else None)  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(
                request,
                _("已将“%(name)s”的任务分解到 %(n)d 个下级单位。") % {"name": org.name, "n": len(children)},
            )
            return redirect("campaigns:unit", campaign.pk, org.code)
    preview = []
    if parent is not None and children:
        baselines = selectors.baselines_of(campaign.measure, children, campaign.baseline_on)
        potentials = selectors.potentials_of(campaign.measure, children, org)
        none: list[int | None] = [None] * len(children)
        by_baseline = _try_split(parent.target, [baselines[c.pk] for c in children]) or none
        by_potential = _try_split(parent.target, [potentials[c.pk] for c in children]) or none
        by_equal = arithmetic.largest_remainder(parent.target, [1] * len(children))
        for i, c in enumerate(children):
            preview.append({"org": c, "field": form[f"t_{c.code}"], "current": current.get(c.pk), "baseline": baselines[c.pk],
                            "potential": potentials[c.pk], "by_baseline": by_baseline[i], "by_potential": by_potential[i],
                            "by_equal": by_equal[i]})  # fmt: skip
    ctx = {"campaign": campaign, "org": org, "parent": parent, "children": children, "form": form, "preview": preview,
           "crumbs": _crumbs(campaign, *([org] if org.pk != top.pk else []))}  # fmt: skip
    return render(request, "campaigns/allocate.html", ctx)


def _cn_number(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def _try_split(total: int, weights: list[int]) -> list[int | None] | None:
    return list(arithmetic.largest_remainder(total, weights)) if any(weights) else None


# --- work groups --------------------------------------------------------------------------


def _group_units(campaign: Campaign) -> Any:
    root = campaign.org
    qs = Org.objects.filter(selectors.org_under(root.path), status=OrgStatus.ACTIVE).exclude(pk=root.pk)
    return qs.filter(depth=root.depth + 1) | qs.filter(depth__gt=root.depth + 1).exclude(kind__in=BASE_KINDS)


@require_http_methods(["GET", "POST"])
@access.page(Perm.CAMPAIGN_MANAGE)
def group_edit(request: HttpRequest, pk: int, group: int | None = None) -> HttpResponse:
    campaign = scope.get_campaign(request.user, pk, Perm.CAMPAIGN_MANAGE)
    wg = scope.get_group(request.user, campaign, group) if group is not None else None
    initial = {"name": wg.name, "leader": wg.leader, "members": wg.members, "units": [u.org.code for u in wg.units.select_related("org")]} if wg else {
        "name": _("第%(n)s工作组") % {"n": _cn_number(campaign.groups.count() + 1)}}  # fmt: skip
    form = forms.GroupForm(
        request.POST or None, units=_group_units(campaign), root=campaign.org, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = [scope.get_unit(request.user, campaign, code) for code in data["units"]]
        try:
            wg = actions.workgroup_save(user=request.user, campaign=campaign, group=wg, name=data["name"], leader=data["leader"],
                                        members=data["members"], units=units)  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已保存“%(name)s”。") % {"name": wg.name})
            return redirect("campaigns:group", campaign.pk, wg.pk)
    title = _("修改：%(name)s") % {"name": wg.name} if wg else _("新建工作组")
    return _form_page(request, form, title=title, crumbs=_crumbs(campaign), cancel_url=reverse("campaigns:detail", args=[campaign.pk]),
                      intro=_("县总工会工作人员分成若干工作组，每组由一名领导任组长，负责若干乡镇(街道)和系统工会，做到任务到组、责任到人。"))  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def group_detail(request: HttpRequest, pk: int, group: int) -> HttpResponse:
    campaign = scope.get_campaign(request.user, pk, Perm.VIEW)
    wg = scope.get_group(request.user, campaign, group)
    b = selectors.board(campaign)
    g = next(x for x in b.groups if x.group.pk == wg.pk)
    notes = list(selectors.notes_under(campaign, campaign.org).filter(org__in=[u.org for u in g.units])[:30])
    return render(request, "campaigns/group.html", {"campaign": campaign, "b": b, "g": g, "notes": notes, "crumbs": _crumbs(campaign),
                                                    "can_manage_campaign": _can_manage_campaign(request.user, campaign)})  # fmt: skip


# --- supervision --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.page(Perm.CAMPAIGN_MANAGE)
def note_create(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, top = scope.get_campaign_view(request.user, pk)
    org = scope.get_unit(request.user, campaign, code, Perm.CAMPAIGN_MANAGE)
    groups = (
        list(WorkGroup.objects.filter(campaign=campaign))
        if access.in_scope(request.user, campaign.org_path)
        else []
    )
    own = WorkGroup.objects.filter(
        campaign=campaign,
        units__org__path__in=[org.path[:k] for k in range(Org.steplen, len(org.path) + 1, Org.steplen)],
    ).first()
    form = forms.NoteForm(
        request.POST or None,
        groups=groups,
        initial={"on": timezone.localdate(), "group": str(own.pk) if own and own in groups else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        group_id = data.pop("group")
        group = next((g for g in groups if str(g.pk) == group_id), None)
        try:
            actions.note_create(user=request.user, campaign=campaign, org=org, group=group, **data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("督查记录已保存。"))
            return redirect("campaigns:unit", campaign.pk, org.code)
    return _form_page(request, form, title=_("督促检查：%(name)s") % {"name": org.name},
                      crumbs=_crumbs(campaign, *([org] if org.pk != top.pk else [])),
                      cancel_url=reverse("campaigns:unit", args=[campaign.pk, org.code]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.CAMPAIGN_MANAGE)
def note_done(request: HttpRequest, pk: int, note: int) -> HttpResponse:
    campaign, _top = scope.get_campaign_view(request.user, pk)
    n = scope.get_note(request.user, campaign, note, Perm.CAMPAIGN_MANAGE)
    form = forms.NoteDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.note_complete(user=request.user, note=n, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已标记整改完成。"))
            return redirect("campaigns:notes", campaign.pk)
    return _form_page(request, form, title=_("整改完成：%(name)s %(d)s") % {"name": n.org.name, "d": n.on}, crumbs=_crumbs(campaign),
                      intro=n.findings, cancel_url=reverse("campaigns:notes", args=[campaign.pk]))  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, top = scope.get_campaign_view(request.user, pk)
    qs = selectors.notes_under(campaign, top)
    state = request.GET.get("state", "")
    if state == "open":
        qs = qs.filter(done=False)
    elif state == "done":
        qs = qs.filter(done=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/notes.html",
        {"campaign": campaign, "page": page, "state": state, "crumbs": _crumbs(campaign)},
    )


# --- briefing -----------------------------------------------------------------------------


def _briefing_board(
    request: HttpRequest, pk: int, code: str, perm: Perm
) -> tuple[selectors.Board, list[Any]]:
    campaign, _top = scope.get_campaign_view(request.user, pk)
    org = scope.get_unit(request.user, campaign, code, perm)
    b = selectors.board(campaign, root=org)
    export_record(user=request.user, kind="briefing", org_path=org.path, object_repr=campaign.name,
                  details={"campaign": campaign.pk, "unit": org.code, "format": request.path.rsplit(".", 1)[-1]})  # fmt: skip
    return b, list(selectors.notes_under(campaign, org))


@require_GET
@access.page(Perm.VIEW)
def briefing_pdf(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    b, notes_ = _briefing_board(request, pk, code, Perm.VIEW)
    resp = HttpResponse(briefing.briefing_pdf(b, notes=notes_), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="briefing-{b.campaign.pk}-{b.root.org.code}.pdf"'
    return resp


@require_GET
@access.page(Perm.EXPORT)
def briefing_xlsx(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    b, _notes = _briefing_board(request, pk, code, Perm.EXPORT)
    resp = HttpResponse(
        briefing.briefing_xlsx(b),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="briefing-{b.campaign.pk}-{b.root.org.code}.xlsx"'
    return resp
