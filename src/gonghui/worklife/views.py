"""Pages of the union's working life (工会工作): the hub, one union's page, workers' congresses
with proposals and 厂务公开. Contracts: views_contracts.py; activities, import and union groups:
views_activities.py. Read with Perm.VIEW, written with Perm.UNION_WORK, exported with Perm.EXPORT;
every id goes through the gatekeeper (selectors / core.access). Views are thin: form, one action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.sheets import xlsx_response
from gonghui.orgs.models import Employer, Org
from gonghui.worklife import actions_congress as congress
from gonghui.worklife import forms, selectors
from gonghui.worklife.conf import help_texts

MAX_EMPLOYER_CHOICES = 300


def crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"url": reverse("worklife:index"), "label": _("工会工作")},
        *({"url": u, "label": lab} for u, lab in pairs),
    ]


def form_page(request: HttpRequest, form: Any, *, title: str, trail: list[tuple[str, str]], cancel_url: str,
              **extra: Any) -> HttpResponse:  # fmt: skip
    return render(request, "core/form.html",
                  {"form": form, "title": title, "crumbs": crumbs(*trail), "cancel_url": cancel_url, **extra})  # fmt: skip


def org_crumb(org: Org) -> tuple[str, str]:
    return (reverse("worklife:org", args=[org.code]), org.short_name or org.name)


def employers_of(org: Org) -> Any:
    """Employers a union's congress or contract may cover: in its area or covered by its subtree
    (the largest first, at most MAX_EMPLOYER_CHOICES)."""
    from django.db.models import Q

    qs = Employer.objects.filter(Q(area_path__startswith=org.path) | Q(union__path__startswith=org.path))
    ids = list(qs.order_by("-employees", "name").values_list("pk", flat=True)[:MAX_EMPLOYER_CHOICES])
    return Employer.objects.filter(pk__in=ids).select_related("union").order_by("-employees", "name")


def exported(request: HttpRequest, what: str, n_filters: dict[str, Any]) -> None:
    audit_record(user=request.user, action="worklife.export", object_type="worklife." + what,
                 org_path=access.scope_path(request.user), changes={"filters": n_filters})  # fmt: skip


def file_response(d: Any) -> FileResponse:
    resp = FileResponse(
        d.stored.open("rb"), as_attachment=True, filename=d.original_name, content_type=d.content_type
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "no-store"
    return resp


# --- hub and union page -------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def index(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("org", "").strip()
    if code:
        org = access.get_org(request.user, code)
        return redirect("worklife:org", org.code)
    org = access.acting_org(request)
    children = list(access.scoped_orgs(request.user).filter(depth=org.depth + 1).order_by("path")[:200])
    ctx = {"org": org, "children": children, "rules": help_texts(), "year": timezone.localdate().year}
    return render(request, "worklife/index.html", ctx)


@require_GET
@access.page(Perm.VIEW)
def org_page(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    today = timezone.localdate()
    sessions = selectors.sessions(request.user).filter(org=org).annotate(n_proposals=Count("proposals"))[:20]
    contracts = selectors.with_state(selectors.contracts(request.user).filter(org=org)[:20], today)
    acts = selectors.kind_labels(selectors.activities(request.user).filter(org=org)[:20])
    groups = selectors.groups(request.user).filter(org=org).annotate(n=Count("assignments"))
    disclosures = selectors.disclosures(request.user).filter(org=org)[:10]
    children = access.scoped_orgs(request.user).filter(depth=org.depth + 1).order_by("path")[:200]
    ctx = {"org": org, "sessions": sessions, "contracts": contracts, "activities": acts, "groups": groups,
           "disclosures": disclosures, "children": children, "crumbs": crumbs(), "is_base": org.is_leaf()}  # fmt: skip
    return render(request, "worklife/org.html", ctx)


# --- congresses ---------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def session_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in ("year", "org")}
    qs = _sessions(request, f).annotate(n_proposals=Count("proposals"))
    page = Paginator(qs.order_by("-held_on", "-id"), 50).get_page(request.GET.get("page"))
    year = selectors.year_param(f["year"]) or timezone.localdate().year
    missing = selectors.employers_without_congress(request.user, year, f["org"])[:50]
    return render(request, "worklife/sessions.html", {"page": page, "f": f, "missing": missing, "year": year,
                                                       "crumbs": crumbs()})  # fmt: skip


def _sessions(request: HttpRequest, f: dict[str, str]) -> Any:
    qs = selectors.under(selectors.sessions(request.user), request.user, f["org"])
    if y := selectors.year_param(f["year"]):
        qs = qs.filter(held_on__year=y)
    return qs


@require_GET
@access.page(Perm.EXPORT)
def session_export(request: HttpRequest) -> HttpResponseBase:
    f = {k: request.GET.get(k, "").strip() for k in ("year", "org")}
    qs = _sessions(request, f).annotate(n_proposals=Count("proposals")).prefetch_related("employers")
    exported(request, "congress", f)
    headers = [_("工会"), _("类型"), _("届"), _("次"), _("召开日期"), _("覆盖单位"), _("职工总数"), _("代表人数"), _("一线职工代表"),
               _("女职工代表"), _("实到代表"), _("提案数")]  # fmt: skip
    rows = ([s.org.name, s.get_kind_display(), s.term_no, s.session_no, s.held_on, "、".join(e.name for e in s.employers.all()),
             s.employees, s.delegates, s.frontline_delegates, s.women_delegates, s.attended, s.n_proposals] for s in qs)  # fmt: skip
    return xlsx_response("职代会.xlsx", _("职代会"), headers, rows)


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def session_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.UNION_WORK)
    last = selectors.sessions(request.user).filter(org=org).order_by("-term_no", "-session_no").first()
    initial = {"term_no": last.term_no if last else 1, "session_no": (last.session_no + 1) if last else 1}
    form = forms.SessionForm(request.POST or None, employers=employers_of(org), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        employers, agenda = list(d.pop("employers") or []), (d.pop("agenda") or "").splitlines()
        try:
            s = congress.session_record(user=request.user, org=org, employers=employers, agenda=agenda, **d)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已登记%(s)s，可继续录入提案。") % {"s": s})
            return redirect("worklife:session", s.pk)
    return form_page(request, form, title=_("登记职代会"), trail=[org_crumb(org)],
                     cancel_url=reverse("worklife:org", args=[org.code]), intro=org.name)  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    s = access.get_scoped(selectors.sessions(request.user), request.user, session_id)
    ctx = {"s": s, "agenda": s.agenda.all(), "proposals": s.proposals.all(), "employers": s.employers.all(),
           "disclosures": s.disclosures.all(), "advice": selectors.session_shares(s),
           "crumbs": crumbs(org_crumb(s.org)), "proposal_form": forms.ProposalForm()}  # fmt: skip
    return render(request, "worklife/session.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def proposal_new(request: HttpRequest, session_id: int) -> HttpResponse:
    s = access.get_scoped(selectors.sessions(request.user), request.user, session_id, perm=Perm.UNION_WORK)
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            p = congress.proposal_add(user=request.user, session=s, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已登记第 %(n)d 号提案。") % {"n": p.number})
            return redirect("worklife:session", s.pk)
    return form_page(request, form, title=_("登记提案"), trail=[org_crumb(s.org), (reverse("worklife:session", args=[s.pk]), str(s))],
                     cancel_url=reverse("worklife:session", args=[s.pk]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def proposal_handle(request: HttpRequest, proposal_id: int) -> HttpResponse:
    p = access.get_scoped(selectors.proposals(request.user), request.user, proposal_id, perm=Perm.UNION_WORK,
                          path_field="session__org_path")  # fmt: skip
    form = forms.ProposalHandleForm(request.POST or None, initial={"handling": p.handling, "answer": p.answer,
                                                                   "answered_on": p.answered_on or timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            congress.proposal_handle(user=request.user, proposal=p, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("提案办理情况已保存。"))
            return redirect("worklife:session", p.session_id)
    s = p.session
    return form_page(request, form, title=_("办理提案：%(s)s") % {"s": p.subject},
                     trail=[org_crumb(s.org), (reverse("worklife:session", args=[s.pk]), str(s))],
                     cancel_url=reverse("worklife:session", args=[s.pk]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def disclosure_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.UNION_WORK)
    form = forms.DisclosureFormForm(request.POST or None, employers=employers_of(org))
    if request.method == "POST" and form.is_valid():
        try:
            congress.disclosure_add(user=request.user, org=org, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("厂务公开事项已登记。"))
            return redirect("worklife:org", org.code)
    return form_page(request, form, title=_("登记厂务公开"), trail=[org_crumb(org)],
                     cancel_url=reverse("worklife:org", args=[org.code]), intro=org.name)  # fmt: skip
