"""Pages for forming unions, documents and notifications. Each view: gatekeeper, form, one action.
Terms and elections are in views_terms.py."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.elections import conf, formation, forms, notify, pdfs, rules, scope, selectors
from gonghui.elections.models import ElectionStatus, FormationStatus, TermRequestStatus
from gonghui.orgs.models import BASE_KINDS, Employer, Org, OrgKind, OrgStatus


def apply_error(form: Any, exc: ApplicationError) -> None:
    field = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


def crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in pairs]


def form_page(
    request: HttpRequest, form: Any, *, title: str, trail: list[dict[str, str]], **extra: Any
) -> HttpResponse:
    return render(request, "elections/form.html", {"form": form, "title": title, "crumbs": trail, **extra})


def _home_crumb() -> tuple[str, str]:
    return reverse("elections:home"), _("组建换届")


# --- hub ---------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def home(request: HttpRequest) -> HttpResponse:
    """Where the work stands in the user's scope: formations waiting, terms due, elections open."""
    today = timezone.localdate()
    r = conf.rules()
    orgs = access.scoped_orgs(request.user).filter(status=OrgStatus.ACTIVE, term_end__isnull=False)
    ctx = {
        "formations_waiting": scope.scoped_formations(request.user)
        .filter(status=FormationStatus.SUBMITTED)
        .count(),
        "overdue": selectors.term_filter(access.scoped_orgs(request.user), today=today, overdue=True).count(),
        "due": orgs.filter(term_end__gte=today, term_end__lte=today + dt.timedelta(days=r.due_days)).count(),
        "elections_open": scope.scoped_elections(request.user)
        .exclude(status=ElectionStatus.APPROVED)
        .count(),
        "results_waiting": scope.scoped_elections(request.user)
        .filter(status=ElectionStatus.SUBMITTED)
        .count(),
        "requests_waiting": scope.scoped_term_requests(request.user)
        .filter(status=TermRequestStatus.PENDING)
        .count(),
        "unread": scope.my_notifications(request.user).filter(read_at__isnull=True).count(),
        "due_days": r.due_days,
        "recent_formations": scope.scoped_formations(request.user).select_related("parent")[:8],
        "recent_elections": scope.scoped_elections(request.user).select_related("org")[:8],
    }
    return render(request, "elections/home.html", ctx)


# --- formations --------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def formation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = scope.scoped_formations(request.user).select_related("parent", "org")
    if status in FormationStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "elections/formations.html",
        {"page": page, "status": status, "statuses": FormationStatus.choices},
    )


def _employer_choices(user: Any, parent: Org | None = None) -> QuerySet[Employer]:
    """Employers a formation may cover: in scope, and not covered by an independent union."""
    qs = access.scoped_employers(user).select_related("union")
    if parent is not None:
        qs = qs.filter(Q(area_path__startswith=parent.path) | Q(union__path__startswith=parent.path))
    qs = qs.filter(
        Q(union__isnull=True) | ~Q(union__kind=OrgKind.GRASSROOTS) | ~Q(union__status=OrgStatus.ACTIVE)
    )
    return qs.order_by("name")[:2000]


def _employers_from(user: Any, ids: list[str]) -> list[Employer]:
    return [access.get_employer(user, int(pk), Perm.ORG_MANAGE) for pk in ids if str(pk).isdigit()]


def _rules_help() -> list[str]:
    h = conf.help_texts()
    return [
        _(
            "工会法第十一条：会员 25 人以上的应当建立基层工会委员会；不足 25 人的可以单独建立委员会，也可以由两个以上单位的会员联合建立委员会，或选举组织员一人。"
        ),
        _("工会法第十二条：建立工会须报上一级工会批准（有请示、有名册、有批复）。"),
        h["founding"],
        _(
            "职工 200 人以上的，可以设专职工会主席（工会法第十四条）；章程第二十五条（2008年文本）规定设专职主席。"
        ),
        _("工会法第十六条：基层工会委员会每届任期 3 年或 5 年。"),
        h["approval_no"],
    ]


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def formation_new(request: HttpRequest) -> HttpResponse:
    parents = access.scoped_orgs(request.user).filter(status=OrgStatus.ACTIVE).exclude(kind__in=BASE_KINDS)
    initial: dict[str, Any] = {
        "region_code": access.acting_org(request).region_code,
        "parent": request.GET.get("parent", ""),
    }
    if request.GET.get("employer", "").isdigit():
        initial["employers"] = [request.GET["employer"]]
    form = forms.FormationCreateForm(
        request.POST or None, parents=parents, employers=_employer_choices(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        parent = access.get_org(request.user, data.pop("parent"), Perm.ORG_MANAGE)
        try:
            employers = _employers_from(request.user, data.pop("employers"))
            f = formation.formation_create(user=request.user, parent=parent, employers=employers, **data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已建立组建申请，请添加创始会员名册。"))
            return redirect("elections:formation", f.pk)
    return form_page(request, form, title=_("新建组建申请"), trail=crumbs(_home_crumb(), (reverse("elections:formations"), _("组建申请"))),
                     cancel_url=reverse("elections:formations"), rules_help=_rules_help(),
                     intro=_("为尚未建会的单位（或联合多个小微单位）申请成立工会，报上级工会审批。"))  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def formation_detail(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id)
    roster = f.roster.select_related("employer")
    page = Paginator(roster, 200).get_page(request.GET.get("page"))
    ctx = {
        "f": f,
        "page": page,
        "counts": formation.counts(f),
        "problems": formation.problems(f) if f.editable or f.status == FormationStatus.SUBMITTED else [],
        "allowed_forms": [
            str(dict(forms.FormationForm.choices)[k])
            for k in rules.allowed_forms(formation.counts(f)["total"])
        ],
        "docs": formation.current_documents(f),
        "all_docs": f.documents.all(),
        "employers": f.employers.all(),
        "can_edit": f.editable and scope.can(request.user, Perm.ORG_MANAGE, f.org_path),
        "can_decide": f.status == FormationStatus.SUBMITTED
        and scope.can(request.user, Perm.REVIEW, f.org_path),
    }
    return render(request, "elections/formation_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def formation_edit(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    initial = {k: getattr(f, k) for k in formation.FIELDS}
    initial["employers"] = [str(pk) for pk in f.employers.values_list("pk", flat=True)]
    choices = list(_employer_choices(request.user, f.parent))
    chosen = {e.pk for e in choices}
    choices += [e for e in f.employers.select_related("union") if e.pk not in chosen]
    form = forms.FormationEditForm(request.POST or None, employers=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        try:
            employers = _employers_from(request.user, data.pop("employers"))
            formation.formation_update(user=request.user, formation=f, employers=employers, **data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            return redirect("elections:formation", f.pk)
    return form_page(request, form, title=_("编辑组建申请：%(n)s") % {"n": f.name}, rules_help=_rules_help(),
                     trail=crumbs(_home_crumb(), (reverse("elections:formation", args=[f.pk]), f.name)),
                     cancel_url=reverse("elections:formation", args=[f.pk]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def formation_roster(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    employers = list(f.employers.all())
    form = forms.RosterForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["lines"].strip():
                n = formation.roster_add_lines(user=request.user, formation=f, text=data["lines"])
            else:
                employer = next((e for e in employers if str(e.pk) == data["employer"]), None)
                formation.roster_add(
                    user=request.user,
                    formation=f,
                    name=data["name"],
                    id_number=data["id_number"],
                    employer=employer,
                )
                n = 1
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已添加 %(n)d 人。") % {"n": n})
            if request.POST.get("again"):
                return redirect("elections:formation_roster", f.pk)
            return redirect("elections:formation", f.pk)
    return form_page(request, form, title=_("添加创始会员：%(n)s") % {"n": f.name}, submit=_("添加"), again=_("添加并继续"),
                     trail=crumbs(_home_crumb(), (reverse("elections:formation", args=[f.pk]), f.name)),
                     cancel_url=reverse("elections:formation", args=[f.pk]),
                     intro=_("创始会员须本人自愿申请入会。身份证号加密保存；已在会员库的人员自动关联。"))  # fmt: skip


@require_POST
@access.page(Perm.ORG_MANAGE)
def formation_roster_register(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    try:
        n = formation.roster_from_register(user=request.user, formation=f)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已从会员库添加 %(n)d 人。") % {"n": n})
    return redirect("elections:formation", f.pk)


@require_POST
@access.page(Perm.ORG_MANAGE)
def formation_roster_remove(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    ids = [int(x) for x in request.POST.getlist("entry") if x.isdigit()]
    try:
        n = formation.roster_remove(user=request.user, formation=f, entry_ids=ids)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已移除 %(n)d 人。") % {"n": n})
    return redirect("elections:formation", f.pk)


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def formation_upload(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            formation.formation_upload_request(user=request.user, formation=f, file=form.cleaned_data["file"])
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已上传请示文件。"))
            return redirect("elections:formation", f.pk)
    return form_page(request, form, title=_("上传请示：%(n)s") % {"n": f.name}, submit=_("上传"), multipart=True,
                     trail=crumbs(_home_crumb(), (reverse("elections:formation", args=[f.pk]), f.name)),
                     cancel_url=reverse("elections:formation", args=[f.pk]))  # fmt: skip


@require_POST
@access.page(Perm.ORG_MANAGE)
def formation_submit(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    try:
        formation.formation_submit(user=request.user, formation=f)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已报上级工会审批。"))
    return redirect("elections:formation", f.pk)


@require_http_methods(["GET", "POST"])
@access.page(Perm.REVIEW)
def formation_decide(request: HttpRequest, formation_id: int) -> HttpResponse:
    f = scope.get_formation(request.user, formation_id, Perm.REVIEW)
    form = forms.FormationDecideForm(
        request.POST or None, initial={"term_years": f.term_years, "founded_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "approve":
                formation.formation_approve(
                    user=request.user,
                    formation=f,
                    founded_on=d["founded_on"],
                    term_years=d["term_years"],
                    reason=d["reason"],
                )
            elif d["decision"] == "return":
                formation.formation_return(user=request.user, formation=f, reason=d["reason"])
            else:
                formation.formation_reject(user=request.user, formation=f, reason=d["reason"])
        except ApplicationError as e:
            apply_error(form, e)
        else:
            f.refresh_from_db()
            messages.success(
                request,
                _("已审批：%(s)s。") % {"s": f.get_status_display()}
                + (f" {f.approval_no}" if f.approval_no else ""),
            )
            return redirect("elections:formation", f.pk)
    return form_page(request, form, title=_("审批组建申请：%(n)s") % {"n": f.name}, submit=_("提交审批结果"), rules_help=_rules_help(),
                     trail=crumbs(_home_crumb(), (reverse("elections:formation", args=[f.pk]), f.name)),
                     cancel_url=reverse("elections:formation", args=[f.pk]),
                     intro=_("同意后生成批复（自动编文号），在组织架构中建立该工会，并将建会单位改为由其覆盖。"))  # fmt: skip


# --- documents and notifications ----------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def document(request: HttpRequest, doc_id: int) -> HttpResponse:
    """A filed document, only through the gatekeeper; never guessed from a media URL."""
    d = scope.get_document(request.user, doc_id)
    try:
        fh = d.file.open("rb")
    except FileNotFoundError:
        return render(
            request, "core/error.html", {"title": _("未找到"), "message": _("文件已不存在。")}, status=404
        )
    inline = d.content_type in ("application/pdf", "image/png", "image/jpeg")
    resp = FileResponse(fh, content_type=d.content_type, as_attachment=not inline, filename=d.original_name)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "sandbox"  # an uploaded file shown inline runs no script
    resp["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, resp)


@require_GET
@access.page(Perm.VIEW)
def formation_request_preview(request: HttpRequest, formation_id: int) -> HttpResponse:
    """The request (请示) as it would be generated from the form now; filed only on submission."""
    f = scope.get_formation(request.user, formation_id)
    total = formation.counts(f)["total"]
    data = pdfs.request_pdf(name=f.name, to=f.parent.name, body=formation.request_body(f, total), roster_count=total,
                            on=timezone.localdate(), applicant=_("%(n)s筹备组") % {"n": f.name})  # fmt: skip
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="request-{f.pk}.pdf"'
    return resp


@require_GET
@access.page(Perm.VIEW)
def notifications(request: HttpRequest) -> HttpResponse:
    """The account's notes; reading the list changes nothing (GET never writes): the new ones
    are marked read by the button, a POST."""
    qs = scope.my_notifications(request.user).select_related("org")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread = {n.pk for n in page if n.read_at is None}
    return render(request, "elections/notifications.html", {"page": page, "unread": unread})


@require_POST
@access.page(Perm.VIEW)
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("n") if x.isdigit() and len(x) < 19]
    n = notify.notification_mark_read(user=request.user, ids=ids or None)
    messages.success(request, _("已将 %(n)d 条提醒标为已读。") % {"n": n})
    return redirect("elections:notifications")
