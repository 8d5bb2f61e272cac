"""系统管理: settings, issuing unions' 批复文号 patterns, the seal, code tables, and help pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET

from gonghui.core import access
from gonghui.core.access import Perm, acting_user
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.members.codes import DEFAULTS, PROTECTED, TABLE_LABELS, Table
from gonghui.orgs.models import OrgKind
from gonghui.sysconf import actions, codetables, help, store
from gonghui.sysconf.models import IssuerPattern
from gonghui.sysconf.registry import BY_SLUG


@access.page(Perm.USER_MANAGE)
def index(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return render(request, "sysconf/index.html", {"configure": actions.can_configure(user)})


def _configure_gate(request: HttpRequest) -> None:
    if not actions.can_configure(acting_user(request)):
        raise PermissionDenied


@access.page(Perm.USER_MANAGE)
def settings_list(request: HttpRequest) -> HttpResponse:
    _configure_gate(request)
    shown = store.listing()
    groups: dict[str, list[store.Shown]] = {}
    for s in shown:
        groups.setdefault(str(s.spec.group), []).append(s)
    return render(request, "sysconf/settings.html", {"groups": groups, "sms_status": sms_status()})


def sms_status() -> str:
    """Whether text messages really go out (the backend is set at deployment, not here)."""
    from django.conf import settings

    from gonghui.members import sms

    name = str(getattr(settings, "GONGHUI_SMS_BACKEND", "") or sms.DEFAULT_BACKEND)
    if name.startswith("gonghui.members.sms."):
        return _("未开通：短信只写入服务器日志，不会发到手机（测试用）。开通须由运维人员配置短信服务商。")
    return _("已开通：短信经服务商发送。")


class SettingForm(forms.Form):
    value = forms.CharField(label=_l("新的值"), max_length=200)


class BoolSettingForm(forms.Form):
    value = forms.ChoiceField(label=_l("新的值"), choices=[("1", _l("是")), ("0", _l("否"))])


class SealForm(forms.Form):
    file = forms.FileField(label=_l("公章图片（PNG）"))


@access.page(Perm.USER_MANAGE)
def setting_edit(request: HttpRequest, key: str) -> HttpResponse:
    _configure_gate(request)
    spec = BY_SLUG.get(key)
    if spec is None:
        raise Http404
    key = spec.key
    shown = next(s for s in store.listing() if s.spec.key == key)
    if spec.kind == "file":
        form: forms.Form = SealForm(request.POST or None, request.FILES or None)
    elif spec.kind == "bool":
        form = BoolSettingForm(request.POST or None, initial={"value": "1" if shown.value else "0"})
    else:
        form = SettingForm(request.POST or None, initial={"value": shown.value})
    if request.method == "POST":
        try:
            if "reset" in request.POST:
                actions.setting_reset(user=acting_user(request), key=key)
                messages.success(request, _("已恢复默认：%(s)s。") % {"s": spec.label})
                return redirect("sysconf:settings")
            if form.is_valid():
                if spec.kind == "file":
                    actions.seal_upload(user=acting_user(request), f=form.cleaned_data["file"])
                else:
                    actions.setting_set(user=acting_user(request), key=key, value=form.cleaned_data["value"])
                messages.success(request, _("已保存：%(s)s。") % {"s": spec.label})
                return redirect("sysconf:settings")
        except ApplicationError as e:
            add_form_error(form, e)
    return render(request, "sysconf/setting_edit.html", {"s": shown, "form": form})


@access.page(Perm.USER_MANAGE)
def patterns(request: HttpRequest) -> HttpResponse:
    """Each issuing union's own 批复文号 pattern (unions that approve formations and elections)."""
    _configure_gate(request)
    user = acting_user(request)
    if request.method == "POST":
        org = access.get_org(user, request.POST.get("org", ""), Perm.USER_MANAGE)
        try:
            actions.issuer_pattern_set(user=user, org=org, pattern=request.POST.get("pattern", ""))
            messages.success(request, _("已保存 %(o)s 的批复文号格式。") % {"o": org.name})
        except ApplicationError as e:
            messages.error(request, f"{org.name}：{e.message}")
        return redirect("sysconf:patterns")
    orgs = list(
        access.scoped_orgs(user)
        .filter(numchild__gt=0)
        .exclude(kind__in=[OrgKind.GRASSROOTS])
        .order_by("path")[:500]
    )
    set_ = dict(IssuerPattern.objects.filter(org__in=orgs).values_list("org_id", "pattern"))
    from gonghui.elections import conf as election_conf

    rows = [{"org": o, "pattern": set_.get(o.pk, "")} for o in orgs]
    return render(
        request, "sysconf/patterns.html", {"rows": rows, "county": election_conf.rules().approval_pattern}
    )


@access.page(Perm.USER_MANAGE)
def code_tables(request: HttpRequest) -> HttpResponse:
    _configure_gate(request)
    return render(request, "sysconf/code_tables.html", {"tables": list(TABLE_LABELS.items())})


class AddItemForm(forms.Form):
    code = forms.CharField(
        label=_l("代码"),
        max_length=24,
        required=False,
        help_text=_l("可不填，系统自动编号；填写时用字母、数字或下划线"),
    )
    label = forms.CharField(label=_l("名称"), max_length=80)
    parent = forms.ChoiceField(label=_l("适用的会籍变化"), required=False)

    def __init__(self, *args: Any, table: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if table == Table.CHANGE_REASON:
            types = [(c, label) for c, label, _p in DEFAULTS[Table.CHANGE_TYPE]]
            self.fields["parent"].choices = [("", "—"), *types]  # type: ignore[attr-defined]
            self.fields["parent"].required = True
        else:
            del self.fields["parent"]


@access.page(Perm.USER_MANAGE)
def code_table(request: HttpRequest, table: str) -> HttpResponse:
    _configure_gate(request)
    if table not in TABLE_LABELS:
        raise Http404
    user = acting_user(request)
    form = AddItemForm(request.POST if request.POST.get("op") == "add" else None, table=table)
    if request.method == "POST":
        op, code = request.POST.get("op", ""), request.POST.get("code", "")
        try:
            if op == "add":
                if form.is_valid():
                    d = form.cleaned_data
                    codetables.item_add(
                        user=user, table=table, code=d["code"], label=d["label"], parent=d.get("parent", "")
                    )
                    messages.success(request, _("已增加：%(l)s。") % {"l": d["label"]})
                    return redirect("sysconf:code_table", table=table)
            elif op == "relabel":
                codetables.item_relabel(
                    user=user, table=table, code=code, label=request.POST.get("label", "")
                )
                messages.success(request, _("已改名。"))
                return redirect("sysconf:code_table", table=table)
            elif op in ("retire", "restore"):
                codetables.item_set_active(user=user, table=table, code=code, active=op == "restore")
                messages.success(request, _("已停用。") if op == "retire" else _("已启用。"))
                return redirect("sysconf:code_table", table=table)
            elif op in ("up", "down"):
                codetables.item_move(user=user, table=table, code=code, up=op == "up")
                return redirect("sysconf:code_table", table=table)
            else:
                raise Http404
        except ApplicationError as e:
            if op == "add":
                add_form_error(form, e)
            else:
                messages.error(request, e.message)
                return redirect("sysconf:code_table", table=table)
    types = dict((c, label) for c, label, _p in DEFAULTS[Table.CHANGE_TYPE])
    rows = [{"item": x, "protected": x.code in PROTECTED.get(table, frozenset()), "parent": types.get(x.parent, "")}
            for x in codetables.rows(table)]  # fmt: skip
    return render(request, "sysconf/code_table.html", {
        "table": table, "title": TABLE_LABELS[table], "rows": rows, "form": form,
        "reasons": table == Table.CHANGE_REASON})  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "sysconf/help_index.html", {"topics": help.topics().values()})


@require_GET
@access.page(Perm.VIEW)
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    topics = help.topics()
    topic = topics.get(slug)
    if topic is None:
        raise Http404
    values = {s.spec.key: s for s in store.listing()}
    shown = [values[k] for k in topic.settings_keys if k in values]
    return render(request, "sysconf/help.html", {
        "topic": topic, "topics": topics.values(), "shown": shown,
        "configure": actions.can_configure(acting_user(request))})  # fmt: skip
