"""Pages for skills training (courses, trainees, completion) and the 劳模 registry. Read with
Perm.VIEW, written with Perm.MEMBER_WRITE (care/scope.py). Each view: gatekeeper, form, one action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.care import actions, forms, scope, selectors
from gonghui.care.models import (
    CareKind,
    ModelLevel,
    TraineeStatus,
)
from gonghui.care.views import apply_error, form_page
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.sheets import xlsx_response

# --- courses ------------------------------------------------------------------------------


def _courses_crumb() -> tuple[str, str]:
    return (reverse("care:courses"), _("技能培训"))


@require_GET
@access.page(Perm.VIEW)
def course_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in ("year", "q", "org")}
    qs = scope.scoped_courses(request.user)
    if f["org"]:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, f["org"]).path)
    if f["year"].isdigit() and 1950 <= int(f["year"]) <= 2100:
        qs = qs.filter(starts_on__year=int(f["year"]))
    if f["q"]:
        qs = qs.filter(Q(title__contains=f["q"]) | Q(trade__contains=f["q"]) | Q(provider__contains=f["q"]))
    page = Paginator(selectors.course_list(qs).order_by("-starts_on", "-id"), 50).get_page(
        request.GET.get("page")
    )
    c: Any  # a course with course_list's `n` (trainees) annotation and per_trainee for the template
    for c in page.object_list:
        c.per_trainee = actions.cost_per_trainee(c.cost, c.n)
    by_year = selectors.training_by_year(access.scope_path(request.user))
    return render(request, "care/courses.html", {"page": page, "f": f, "by_year": by_year})


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def course_new(request: HttpRequest) -> HttpResponse:
    form = forms.CourseForm(
        request.POST or None,
        scope=access.scoped_orgs(request.user),
        initial={"org": access.acting_org(request).code},
    )
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            org = access.get_org(request.user, d.pop("org"), Perm.MEMBER_WRITE)
            c = actions.course_create(user=request.user, org=org, **d)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已建立培训班“%(t)s”，请录入学员。") % {"t": c.title})
            return redirect("care:course_trainees", c.pk)
    return form_page(
        request, form, title=_("新建培训班"), trail=[_courses_crumb()], cancel_url=reverse("care:courses")
    )


@require_GET
@access.page(Perm.VIEW)
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    c = scope.get_course(request.user, course_id)
    status = request.GET.get("status", "")
    trainees = c.trainees.select_related("person", "org").order_by("id")
    if status in TraineeStatus.values:
        trainees = trainees.filter(status=status)
    page = Paginator(trainees, 50).get_page(request.GET.get("page"))
    ctx = {"c": c, "fig": selectors.course_figures(c), "page": page, "status": status, "statuses": TraineeStatus.choices,
           "today": timezone.localdate()}  # fmt: skip
    return render(request, "care/course_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    initial = {k: getattr(c, k) for k in actions.COURSE_FIELDS}
    form = forms.CourseForm(
        request.POST or None,
        scope=access.scoped_orgs(request.user),
        fixed_org=c.org,
        initial={**initial, "org": c.org.code},
    )
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d.pop("org", None)
        try:
            actions.course_update(user=request.user, course=c, **d)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            return redirect("care:course_detail", c.pk)
    return form_page(request, form, title=_("修改培训班：%(t)s") % {"t": c.title}, cancel_url=reverse("care:course_detail", args=[c.pk]),
                     trail=[_courses_crumb(), (reverse("care:course_detail", args=[c.pk]), c.title)])  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def course_trainees(request: HttpRequest, course_id: int) -> HttpResponse:
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    form = forms.TraineesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ms = scope.find_memberships(
                request.user, form.cleaned_data["members"], Perm.MEMBER_WRITE, under=c.org_path
            )
            n = actions.trainees_add(user=request.user, course=c, memberships=ms)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已录入 %(n)d 名学员。") % {"n": n})
            return redirect("care:course_detail", c.pk)
    intro = _("学员须为“%(org)s”及其下级工会的在册会员。") % {"org": c.org.name}
    if c.for_migrants:
        intro += _("本班为农民工专项，只招收农民工。")
    return form_page(request, form, title=_("录入学员：%(t)s") % {"t": c.title}, cancel_url=reverse("care:course_detail", args=[c.pk]),
                     trail=[_courses_crumb(), (reverse("care:course_detail", args=[c.pk]), c.title)], intro=intro, submit=_("录入"))  # fmt: skip


@require_POST
@access.page(Perm.MEMBER_WRITE)
def course_progress(request: HttpRequest, course_id: int) -> HttpResponse:
    """Mark ticked trainees as completed (with their certificate numbers) or as not finished."""
    c = scope.get_course(request.user, course_id, Perm.MEMBER_WRITE)
    op = request.POST.get("op", "complete")
    try:
        chosen = scope.trainees_by_ids(c, request.POST.getlist("trainee"), field="trainee")
        if op == "complete":
            try:
                on = dt.date.fromisoformat(request.POST.get("completed_on", ""))
            except ValueError:
                raise ApplicationError(_("请填写结业日期。"), code="required") from None
            items = [(t, request.POST.get(f"cert_{t.pk}", "")) for t in chosen]
            n = actions.trainees_complete(user=request.user, course=c, items=items, completed_on=on)
            messages.success(request, _("已记录 %(n)d 名学员结业。") % {"n": n})
        elif op == "drop":
            n = actions.trainees_drop(user=request.user, course=c, trainees=chosen)
            messages.success(request, _("已将 %(n)d 名学员记为未完成。") % {"n": n})
        else:
            raise ApplicationError(_("未知的操作。"), code="op")
    except ApplicationError as e:
        messages.error(request, e.message)
    return redirect(
        reverse("care:course_detail", args=[c.pk])
        + (f"?page={request.POST['page']}" if request.POST.get("page", "").isdigit() else "")
    )


@require_GET
@access.page(Perm.EXPORT)
def course_export(request: HttpRequest, course_id: int) -> HttpResponseBase:
    c = scope.get_course(request.user, course_id, Perm.EXPORT)
    actions.care_trainees_exported(user=request.user, course=c)
    headers = [
        _("序号"),
        _("姓名"),
        _("公民身份号码"),
        _("所在工会"),
        _("农民工"),
        _("状态"),
        _("结业日期"),
        _("证书编号"),
    ]
    rows = (
        [n, t.person.name, t.person.id_masked, t.org.name, t.is_migrant, t.get_status_display(), t.completed_on, t.certificate_no]
        for n, t in enumerate(c.trainees.select_related("person", "org").order_by("id").iterator(chunk_size=2000), start=1)
    )  # fmt: skip
    return xlsx_response(f"培训学员_{c.pk}.xlsx", _("培训学员"), headers, rows)


# --- model workers ------------------------------------------------------------------------


def _models_crumb() -> tuple[str, str]:
    return (reverse("care:models"), _("劳模"))


@require_GET
@access.page(Perm.VIEW)
def title_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in ("level", "year", "q")}
    qs = scope.scoped_titles(request.user).select_related("person", "org")
    if f["level"] in ModelLevel.values:
        qs = qs.filter(level=f["level"])
    if f["year"].isdigit() and 1950 <= int(f["year"]) <= 2100:
        qs = qs.filter(year=int(f["year"]))
    if f["q"]:
        qs = qs.filter(Q(person__name__contains=f["q"]) | Q(title__contains=f["q"]))
    page = Paginator(qs.order_by("-year", "level", "id"), 50).get_page(request.GET.get("page"))
    prefix = access.scope_path(request.user)
    unregistered = selectors.flagged_unregistered(prefix)
    ctx = {"page": page, "f": f, "levels": ModelLevel.choices, "by_level": selectors.model_workers_by_level(prefix),
           "unregistered": list(unregistered[:20]), "unregistered_n": unregistered.count()}  # fmt: skip
    return render(request, "care/models.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def title_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "member": request.GET.get("member", "")[:40],
        "year": timezone.localdate().year,
        "level": ModelLevel.COUNTY,
    }
    form = forms.TitleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            m = scope.find_membership(request.user, d.pop("member"), Perm.MEMBER_WRITE)
            t = actions.title_register(user=request.user, membership=m, **d)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已登记“%(name)s”的称号。") % {"name": t.person.name})
            return redirect("care:title_detail", t.pk)
    return form_page(request, form, title=_("登记劳模称号"), trail=[_models_crumb()], cancel_url=reverse("care:models"),
                     intro=_("劳模名册在此单独登记；会员名册中的“劳模”标记由会员信息维护，不在此修改。"))  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def title_detail(request: HttpRequest, title_id: int) -> HttpResponse:
    t = scope.get_title(request.user, title_id)
    prefix = access.scope_path(request.user)
    titles = selectors.titles_of(t.person, prefix)
    care = selectors.model_care_of(t.person, prefix)
    return render(request, "care/title_detail.html", {"t": t, "titles": titles, "care": care})


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def title_care(request: HttpRequest, title_id: int) -> HttpResponse:
    t = scope.get_title(request.user, title_id, Perm.MEMBER_WRITE)
    form = forms.CareForm(request.POST or None, initial={"kind": CareKind.VISIT})
    if request.method == "POST" and form.is_valid():
        try:
            actions.model_care_record(user=request.user, title=t, **form.cleaned_data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("关爱记录已登记。"))
            return redirect("care:title_detail", t.pk)
    return form_page(request, form, title=_("劳模关爱：%(name)s") % {"name": t.person.name}, cancel_url=reverse("care:title_detail", args=[t.pk]),
                     trail=[_models_crumb(), (reverse("care:title_detail", args=[t.pk]), t.person.name)])  # fmt: skip
