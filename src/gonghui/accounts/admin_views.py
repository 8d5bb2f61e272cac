"""账号管理: a federation or union admin lists, creates and edits the accounts of its subtree,
resets a password (one-time, shown once) and lifts a login lockout. Everything through the
gatekeeper (accounts/selectors.py) and audited (accounts/actions.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gonghui.accounts import actions, selectors
from gonghui.accounts.models import User
from gonghui.core import access
from gonghui.core.access import Perm, acting_user
from gonghui.core.errors import ApplicationError, add_form_error


def _org_choices(actor: User) -> list[tuple[str, str]]:
    orgs = access.scoped_orgs(actor).order_by("path").values_list("code", "name")[:2000]
    return [("", "—"), *((c, f"{n}（{c}）") for c, n in orgs)]


class AccountForm(forms.Form):
    username = forms.CharField(
        label=_l("用户名"), max_length=40, help_text=_l("登录用，3–40 位字母、数字或 _ . @ -，开设后不能修改")
    )
    name = forms.CharField(label=_l("姓名"), max_length=40)
    org = forms.ChoiceField(label=_l("所属工会"), help_text=_l("账号只能看到这个工会及其下级的数据"))
    role = forms.ChoiceField(label=_l("角色"))
    is_active = forms.BooleanField(label=_l("启用"), required=False, initial=True)

    def __init__(self, *args: Any, actor: User, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _org_choices(actor)  # type: ignore[attr-defined]
        self.fields["role"].choices = [("", "—"), *actions.roles_for(actor)]  # type: ignore[attr-defined]
        if edit:
            del self.fields["username"]
        else:
            del self.fields["is_active"]


def _show_password(request: HttpRequest, target: User, password: str, *, created: bool) -> HttpResponse:
    """The one-time password, shown this once: never kept by a browser cache or a proxy."""
    resp = render(
        request,
        "accounts/one_time_password.html",
        {"target": target, "password": password, "created": created},
    )
    resp["Cache-Control"] = "no-store"
    return resp


@access.page(Perm.USER_MANAGE)
def account_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    qs = selectors.scoped_users(actor).order_by("org__path", "username")
    q = request.GET.get("q", "").strip()[:40]
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(org__name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    fails = selectors.failed_logins([u.username for u in page])
    limit = int(settings.AXES_FAILURE_LIMIT)
    rows = [
        {"u": u, "fails": fails.get(u.username, 0), "locked": fails.get(u.username, 0) >= limit} for u in page
    ]
    return render(request, "accounts/list.html", {"page": page, "rows": rows, "q": q})


@access.page(Perm.USER_MANAGE)
def account_new(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = AccountForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = access.get_org(actor, d["org"], Perm.USER_MANAGE)
            user, password = actions.account_create(
                actor=actor, username=d["username"], full_name=d["name"], org=org, role=d["role"]
            )
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            return _show_password(request, user, password, created=True)
    return render(request, "accounts/form.html", {"form": form, "title": _("开设账号")})


@access.page(Perm.USER_MANAGE)
def account_detail(request: HttpRequest, username: str) -> HttpResponse:
    actor = acting_user(request)
    target = selectors.get_user(actor, username)
    form = AccountForm(
        request.POST or None, actor=actor, edit=True,
        initial={"name": target.full_name, "org": target.org.code if target.org else "", "role": target.role,
                 "is_active": target.is_active},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = access.get_org(actor, d["org"], Perm.USER_MANAGE)
            actions.account_update(actor=actor, user=target, full_name=d["name"], org=org, role=d["role"],
                                   is_active=d["is_active"])  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已保存账号 %(u)s。") % {"u": target.username})
            return redirect("account_detail", username=target.username)
    fails = selectors.failed_logins([target.username]).get(target.username, 0)
    return render(request, "accounts/detail.html", {
        "target": target, "form": form, "fails": fails, "locked": fails >= int(settings.AXES_FAILURE_LIMIT),
        "own": target.pk == actor.pk})  # fmt: skip


@require_POST
@access.page(Perm.USER_MANAGE)
def account_reset(request: HttpRequest, username: str) -> HttpResponse:
    actor = acting_user(request)
    target = selectors.get_user(actor, username)
    try:
        password = actions.account_reset_password(actor=actor, user=target)
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect("account_detail", username=target.username)
    return _show_password(request, target, password, created=False)


@require_POST
@access.page(Perm.USER_MANAGE)
def account_unlock(request: HttpRequest, username: str) -> HttpResponse:
    actor = acting_user(request)
    target = selectors.get_user(actor, username)
    try:
        actions.account_unlock(actor=actor, user=target)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已解除 %(u)s 的登录锁定。") % {"u": target.username})
    return redirect("account_detail", username=target.username)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_l("手机号"), max_length=20, required=False, help_text=_l("留空即删除"))


def account_phone(request: HttpRequest) -> HttpResponse:
    """Every logged-in account sets its own phone."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    user = acting_user(request)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.user_phone_change(user=user, phone=form.cleaned_data["phone"])
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("手机号已保存。"))
            return redirect("account_phone")
    return render(request, "core/form.html", {
        "form": form, "title": _("我的手机号"),
        "intro": _("当前：%(p)s") % {"p": user.phone_masked or _("未填写")}})  # fmt: skip
