"""Pages of activities (list with export, a new activity, its page with documents and photos, the
xlsx import with its template) and of union groups (a union's groups, members assigned, leader)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.sheets import xlsx_response
from gonghui.members.models import CURRENT_STATUSES, Membership
from gonghui.orgs.models import OrgStatus
from gonghui.worklife import actions_activities as act
from gonghui.worklife import actions_groups, activity_import, codes, forms, selectors
from gonghui.worklife.views import crumbs, exported, file_response, form_page, org_crumb

# --- activities ---------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:40] for k in ("year", "org", "kind", "q")}


def _queryset(request: HttpRequest, f: dict[str, str]) -> Any:
    qs = selectors.under(selectors.activities(request.user), request.user, f["org"])
    return selectors.activity_filter(qs, kind=f["kind"], year=selectors.year_param(f["year"]), q=f["q"])


def _activities_crumb() -> tuple[str, str]:
    return (reverse("worklife:activities"), _("工会活动"))


@require_GET
@access.page(Perm.VIEW)
def activity_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_queryset(request, f).order_by("-held_on", "-id"), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.kind_labels(page.object_list)
    return render(
        request,
        "worklife/activities.html",
        {"page": page, "f": f, "kinds": codes.choices(), "crumbs": crumbs()},
    )


@require_GET
@access.page(Perm.EXPORT)
def activity_export(request: HttpRequest) -> HttpResponseBase:
    f = _filters(request)
    qs = _queryset(request, f).order_by("-held_on", "-id")
    exported(request, "activities", f)
    headers = [_("工会代码"), _("工会名称"), _("活动日期"), _("活动类型"), _("活动名称"), _("参加人数"), _("地点"), _("成绩/结果"),
               _("职工之家状态"), _("内容")]  # fmt: skip
    rows = ([a.org.code, a.org.name, a.held_on, codes.label(a.kind), a.title, a.participants, a.place, a.result,
             a.get_home_status_display() if a.home_status else "", a.description] for a in qs.iterator(chunk_size=1000))  # fmt: skip
    return xlsx_response("工会活动.xlsx", _("工会活动"), headers, rows)


def _member_numbers(raw: str) -> list[str]:
    return [x for x in re.split(r"[\s,，、;；]+", raw or "") if x][:500]


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def activity_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.UNION_WORK)
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        numbers = _member_numbers(d.pop("members"))
        ms = Membership.objects.filter(
            org_path__startswith=org.path, member_no__in=numbers, status__in=CURRENT_STATUSES
        )
        persons = [m.person for m in ms.select_related("person")]
        try:
            if len(persons) < len(set(numbers)):
                raise ApplicationError(
                    _("有会员编号不是本工会的在册会员。"), code="not_member", details={"field": "members"}
                )
            a = act.activity_record(user=request.user, org=org, persons=persons, **d)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("活动已登记。"))
            return redirect("worklife:activity", a.pk)
    return form_page(request, form, title=_("登记工会活动"), trail=[org_crumb(org)],
                     cancel_url=reverse("worklife:org", args=[org.code]), intro=org.name)  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    a = access.get_scoped(selectors.activities(request.user), request.user, activity_id)
    a.kind_label = codes.label(a.kind)  # type: ignore[attr-defined]
    ctx = {"a": a, "named": a.named.select_related("person"), "documents": a.documents.all(),
           "crumbs": crumbs(_activities_crumb())}  # fmt: skip
    return render(request, "worklife/activity.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def activity_upload(request: HttpRequest, activity_id: int) -> HttpResponse:
    a = access.get_scoped(selectors.activities(request.user), request.user, activity_id, perm=Perm.UNION_WORK)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            act.document_add(user=request.user, activity=a, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("材料已上传。"))
            return redirect("worklife:activity", a.pk)
    return render(request, "worklife/upload.html", {"form": form, "title": _("上传活动材料或照片"), "crumbs": crumbs(_activities_crumb()),
                                                    "cancel_url": reverse("worklife:activity", args=[a.pk])})  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def activity_document(request: HttpRequest, document_id: int) -> HttpResponseBase:
    d = access.get_scoped(selectors.activity_documents(request.user), request.user, document_id,
                          path_field="activity__org_path")  # fmt: skip
    audit_record(user=request.user, action="worklife.activity.document_open", obj=d.activity,
                 org_path=d.activity.org_path, changes={"document": d.pk})  # fmt: skip
    return file_response(d)


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def activity_import_page(request: HttpRequest) -> HttpResponse:
    orgs = access.scoped_orgs(request.user).filter(status=OrgStatus.ACTIVE).order_by("path")[:2000]
    choices = [
        (o.code, f"{'　' * (o.depth - 1)}{o.name}") for o in orgs.only("code", "name", "depth", "path")
    ]
    form = forms.ImportForm(request.POST or None, request.FILES or None, org_choices=choices,
                            initial={"org": access.acting_org(request).code})  # fmt: skip
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            org = access.get_org(request.user, form.cleaned_data["org"], Perm.UNION_WORK)
            result = activity_import.import_upload(
                user=request.user, org=org, upload=form.cleaned_data["upload"]
            )
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            if not result.errors:
                messages.success(request, _("已导入 %(n)d 条活动记录。") % {"n": result.created})
                return redirect(reverse("worklife:activities") + f"?org={org.code}")
    return render(request, "worklife/import.html", {"form": form, "result": result, "crumbs": crumbs(_activities_crumb()),
                                                    "kinds": codes.choices()})  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def activity_template(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    example = [
        access.acting_org(request).code,
        "",
        today,
        codes.label(codes.CULTURE),
        _("职工趣味运动会"),
        120,
        _("厂区操场"),
        "",
        "",
        "",
    ]
    return xlsx_response("工会活动导入模板.xlsx", _("工会活动"), activity_import.TEMPLATE_HEADERS, [example])


# --- union groups -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.page(Perm.VIEW)
def group_list(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, Perm.UNION_WORK, path=org.path)
        if form.is_valid():
            try:
                g = actions_groups.group_create(user=request.user, org=org, name=form.cleaned_data["name"])
            except ApplicationError as e:
                add_form_error(form, e)
            else:
                messages.success(request, _("已建立工会小组“%(n)s”。") % {"n": g.name})
                return redirect("worklife:group", g.pk)
    groups = selectors.groups(request.user).filter(org=org).annotate(n=Count("assignments"))
    return render(request, "worklife/groups.html", {"org": org, "groups": groups, "form": form,
                                                    "crumbs": crumbs(org_crumb(org))})  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.VIEW)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    g = access.get_scoped(selectors.groups(request.user), request.user, group_id)
    form = forms.AssignForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, Perm.UNION_WORK, path=g.org_path)
        if form.is_valid():
            numbers = _member_numbers(form.cleaned_data["members"])
            ms = list(Membership.objects.filter(org_id=g.org_id, member_no__in=numbers))
            try:
                missing = set(numbers) - {m.member_no for m in ms}
                if missing:
                    raise ApplicationError(_("本工会没有会员编号 %(n)s。") % {"n": "、".join(sorted(missing)[:5])},
                                           code="not_member", details={"field": "members"})  # fmt: skip
                n = actions_groups.group_assign(user=request.user, group=g, memberships=ms)
            except ApplicationError as e:
                add_form_error(form, e)
            else:
                messages.success(request, _("已编入 %(n)d 名会员。") % {"n": n})
                return redirect("worklife:group", g.pk)
    members = (
        g.assignments.filter(membership__status__in=CURRENT_STATUSES)
        .select_related("membership__person")
        .order_by("membership__member_no")
    )  # members who left or moved stay assigned as history, not listed
    return render(request, "worklife/group.html", {"g": g, "members": members, "form": form,
                                                   "crumbs": crumbs(org_crumb(g.org), (reverse("worklife:groups", args=[g.org.code]), _("工会小组")))})  # fmt: skip


@require_POST
@access.page(Perm.UNION_WORK)
def group_member(request: HttpRequest, group_id: int) -> HttpResponse:
    """Make a member the leader, or take a member out of the group (`op` = leader / remove)."""
    g = access.get_scoped(selectors.groups(request.user), request.user, group_id, perm=Perm.UNION_WORK)
    raw = request.POST.get("membership", "")
    mid = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    m = g.assignments.filter(membership_id=mid).select_related("membership").first()
    if m is None:
        messages.error(request, _("该会员不在本小组。"))
        return redirect("worklife:group", g.pk)
    try:
        if request.POST.get("op") == "remove":
            actions_groups.group_remove(user=request.user, group=g, membership=m.membership)
        else:
            actions_groups.group_set_leader(user=request.user, group=g, membership=m.membership)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("worklife:group", g.pk)
