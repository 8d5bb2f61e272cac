"""Staff pages of the register. Each view: the gatekeeper, a form, one action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.http import HtmxHttpRequest
from gonghui.core.sheets import xlsx_response
from gonghui.members import actions, cards, codes, exports, forms, pdfs, scope, selectors
from gonghui.members.codes import Table
from gonghui.members.models import (
    ApplicationStatus,
    Card,
    CardStatus,
    Membership,
    MembershipStatus,
    TransferSide,
    TransferStatus,
)  # fmt: skip
from gonghui.members.public import check_url, join_url
from gonghui.orgs.models import BASE_KINDS, Employer, Org, OrgStatus

PAGE_SIZES = (10, 20, 50, 100)


def _per_page(request: HttpRequest, default: int = 50) -> int:
    raw = request.GET.get("per") or ""
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else default


def _base_orgs(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[Org]:
    access.require(user, perm)
    return access.scoped_orgs(user).filter(kind__in=BASE_KINDS, status=OrgStatus.ACTIVE).order_by("path")


def _federation(org: Org) -> str:
    return selectors.top_federation(org).name


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in pairs]


# --- members ------------------------------------------------------------------------------


IDP_HEADER = "X-Idp"


def _member_filters(request: HttpRequest) -> selectors.MemberFilters:
    src = request.GET
    given: dict[str, Any] = {k: src.get(k, "").strip() for k in ("q", "employer", "migrant", "group", "org")}
    f = selectors.MemberFilters(**given)
    f.status = src.get("status", "current").strip() or "current"
    # An ID number or phone travels in a request header (the page's htmx sends it), never in the
    # URL, so it stays out of browser history and access logs; a value in the query string is ignored.
    f.idp = request.headers.get(IDP_HEADER, "").strip()
    return f


def _member_queryset(request: HttpRequest, f: selectors.MemberFilters) -> QuerySet[Membership]:
    under = access.get_org(request.user, f.org) if f.org else None
    qs = selectors.member_search(scope.scoped_memberships(request.user), f, under=under)
    return qs.annotate(
        has_card=Exists(Card.objects.filter(person=OuterRef("person"), status=CardStatus.VALID))
    )


@require_GET
@access.page(Perm.VIEW)
def member_list(request: HtmxHttpRequest) -> HttpResponse:
    """Search in scope: name, number, employer, flags; an ID number or phone exactly (blind index)."""
    f = _member_filters(request)
    qs = _member_queryset(request, f)
    per = _per_page(request)
    page = Paginator(qs, per).get_page(request.GET.get("page"))
    ctx = {
        "page": page, "f": f, "statuses": MembershipStatus.choices, "groups": codes.choices(Table.NEW_EMPLOYMENT),
        "orgs": _base_orgs(request.user), "per": per,
    }  # fmt: skip
    if request.htmx:
        return render(request, "members/list.html#rows", ctx)
    return render(request, "members/list.html", ctx)


@require_GET
@access.page(Perm.EXPORT)
def member_export(request: HttpRequest) -> HttpResponseBase:
    """Download the filtered list; masked unless `reveal=1` and the user may reveal (audited)."""
    f = _member_filters(request)
    qs = _member_queryset(request, f)
    reveal = request.GET.get("reveal") == "1"
    prefix = access.scope_path(request.user)
    if reveal:
        access.require(request.user, Perm.REVEAL_PII, path=prefix)
    audit_record(user=request.user, action="export.members", object_type="members", org_path=prefix,
                 changes={"reveal": reveal, "filters": {k: v for k, v in vars(f).items() if k not in ("idp", "extra") and v}})  # fmt: skip
    if reveal:
        audit_record(
            user=request.user,
            action="pii.reveal",
            object_type="members",
            org_path=prefix,
            changes={"purpose": "export"},
        )
    return xlsx_response(
        f"会员名册_{access.acting_org(request).code}.xlsx",
        _("会员名册"),
        exports.HEADERS,
        exports.member_rows(qs, reveal=reveal),
    )


@require_GET
@access.page(Perm.VIEW)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = scope.get_membership(request.user, pk)
    history = selectors.person_history(m.person, access.scope_path(request.user))
    person_cards = list(m.person.cards.select_related("batch").order_by("-issued_on", "-id"))
    ctx = {
        "m": m, "p": m.person, "history": history, "cards": person_cards,
        "changes": [(k, _label) for k, _label in (("retain", _("保留会籍")), ("restore", _("恢复会籍")), ("leave", _("退会")), ("expel", _("开除会籍")))
                    if m.status in actions.STATUS_CHANGES[k][0]],
        "pending_transfer": m.transfers_out.filter(status=TransferStatus.PENDING).first(),
    }  # fmt: skip
    return render(request, "members/detail.html", ctx)


@require_POST
@access.page(Perm.REVEAL_PII)
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    m = scope.get_membership(request.user, pk, Perm.REVEAL_PII)
    shown = actions.person_reveal_pii(user=request.user, membership=m)
    return render(request, "members/detail.html#pii", {"p": m.person, "m": m, "shown": shown})


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    m = scope.get_membership(request.user, pk, Perm.MEMBER_WRITE)
    p = m.person
    initial = {
        k: getattr(p, k) for k in ("name", *actions.CODED_FIELDS, "job", "is_model_worker", "employer_name")
    }
    initial["is_migrant"] = "1" if p.is_migrant else "0"
    initial["employer"] = str(p.employer_id or "")
    employers = list(m.org.employers.order_by("name")[:500])
    form = forms.PersonEditForm(request.POST or None, initial=initial, employers=employers)
    if request.method == "POST" and form.is_valid():
        try:
            actions.person_update(user=request.user, membership=m, **form.action_data())
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:detail", m.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("修改会员信息：%(name)s") % {"name": p.name}, "cancel_url": reverse("members:detail", args=[m.pk]),
        "crumbs": _crumbs((reverse("members:list"), _("会员"))),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def member_status(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    m = scope.get_membership(request.user, pk, Perm.MEMBER_WRITE)
    if change not in actions.STATUS_CHANGES:
        from django.http import Http404

        raise Http404
    reasons = actions.STATUS_CHANGES[change][3]
    form = forms.StatusChangeForm(request.POST or None, reasons=reasons, expel=change == "expel")
    titles = {"retain": _("保留会籍"), "restore": _("恢复会籍"), "leave": _("退会"), "expel": _("开除会籍")}
    if request.method == "POST" and form.is_valid():
        try:
            actions.membership_change_status(
                user=request.user, membership=m, change=change, **form.cleaned_data
            )
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已办理%(c)s。") % {"c": titles[change]})
            return redirect("members:detail", m.pk)
    intro = {
        "retain": _("会员退休或失业的，保留会籍，保留期间免交会费（《中国工会章程》第8条（2008年文本））。"),
        "restore": _("保留会籍的会员重新就业后恢复会籍。"),
        "leave": _(
            "会员有退会自由；没有正当理由连续六个月不交纳会费、不参加工会组织生活，经教育拒不改正的，视为自动退会（《中国工会章程》第6条（2008年文本））。退会后会员证作废。"
        ),
        "expel": _(
            "会员有严重违法犯罪行为并受到刑事处罚的，开除会籍，须经工会小组讨论、基层工会委员会决定，并报上一级工会备案（《中国工会章程》第7条（2008年文本））。会员证随之作废。"
        ),
    }[change]
    return render(request, "core/form.html", {
        "form": form, "title": _("%(c)s：%(name)s") % {"c": titles[change], "name": m.person.name}, "intro": intro,
        "danger": change in ("leave", "expel"), "submit": titles[change], "cancel_url": reverse("members:detail", args=[m.pk]),
        "crumbs": _crumbs((reverse("members:list"), _("会员")), (reverse("members:detail", args=[m.pk]), m.person.name)),
    })  # fmt: skip


def _transfer_targets(user: Any) -> QuerySet[Org]:
    """Receiving unions for a transfer out: any active base union of the same federation. Names
    and codes of unions are not personal data; the transfer itself shows nothing more."""
    root = selectors.top_federation(user.org)
    return selectors.base_unions(root)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def transfer_out(request: HttpRequest, pk: int) -> HttpResponse:
    m = scope.get_membership(request.user, pk, Perm.MEMBER_WRITE)
    targets = _transfer_targets(request.user).exclude(pk=m.org_id)
    form = forms.TransferOutForm(request.POST or None, orgs=targets)
    if request.method == "POST" and form.is_valid():
        to_org = targets.filter(code=form.cleaned_data["to_org"]).first()
        try:
            if to_org is None:
                raise ApplicationError(_("请选择转入工会。"), details={"field": "to_org"})
            actions.transfer_start(user=request.user, membership=m, to_org=to_org, side=TransferSide.FROM,
                                   new_employer_name=form.cleaned_data["new_employer_name"], note=form.cleaned_data["note"])  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已发起接转，等待“%(org)s”确认。") % {"org": to_org.name})
            return redirect("members:detail", m.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("会员关系转出：%(name)s") % {"name": m.person.name},
        "intro": _("会员关系随劳动关系转移。转入工会确认后，本会会籍记为“转出”，对方登记“转入”并编新的会员编号，双方均保留记录。"),
        "submit": _("发起接转"), "cancel_url": reverse("members:detail", args=[m.pk]),
        "crumbs": _crumbs((reverse("members:list"), _("会员")), (reverse("members:detail", args=[m.pk]), m.person.name)),
    })  # fmt: skip


# --- applications -------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def application_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.PENDING)
    qs = scope.scoped_applications(request.user).select_related("org")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if org_code := request.GET.get("org", "").strip():
        qs = qs.filter(org_path__startswith=access.get_org(request.user, org_code).path)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(name__contains=q) | qs.filter(form_no=q)
    page = Paginator(qs.order_by("created_at", "id"), _per_page(request)).get_page(request.GET.get("page"))
    ctx = {"page": page, "status": status, "statuses": ApplicationStatus.choices, "q": q}
    if request.htmx:
        return render(request, "members/applications.html#rows", ctx)
    return render(request, "members/applications.html", ctx)


def _employers_of(org: Org | None) -> list[Employer]:
    return list(org.employers.order_by("name")[:500]) if org is not None else []


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def application_new(request: HttpRequest) -> HttpResponse:
    """申请关 on paper: the clerk enters the signed application; the form number is assigned here."""
    orgs = _base_orgs(request.user, Perm.MEMBER_WRITE)
    chosen_code = request.POST.get("org") or request.GET.get("org") or ""
    chosen = orgs.filter(code=chosen_code).first() if chosen_code else None
    form = forms.PaperApplicationForm(
        request.POST or None, orgs=orgs, employers=_employers_of(chosen), initial={"org": chosen_code}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        org = scope.get_base_org(request.user, form.cleaned_data["org"], Perm.MEMBER_WRITE)
        data = form.action_data()
        data.pop("org")
        data.pop("signed")
        try:
            app = actions.application_create(
                user=request.user, org=org, channel="paper", consent_version="paper-signature", **data
            )
        except ApplicationError as e:
            add_form_error(form, e)
            if e.code == "already_member" and isinstance(e.details, dict) and e.details.get("transfer"):
                conflict = {"org": org, "details": e.details}
        else:
            messages.success(
                request,
                _("已登记入会申请，登记表编号 %(no)s。请打印登记表交申请人核对签字并存档。")
                % {"no": app.form_no},
            )
            return redirect("members:application_detail", app.pk)
    return render(request, "members/application_form.html", {
        "form": form, "conflict": conflict, "title": _("录入纸质入会申请"),
        "crumbs": _crumbs((reverse("members:applications"), _("入会审核"))),
    })  # fmt: skip


@require_POST
@access.page(Perm.MEMBER_WRITE)
def check_id(request: HttpRequest) -> HttpResponse:
    """htmx: say at once what an ID number means — invalid, derived facts, or already a member."""
    raw = request.POST.get("id_number", "")
    ctx: dict[str, Any] = {}
    if raw.strip():
        try:
            info = actions.parse_id(raw)
        except ApplicationError as e:
            ctx["error"] = e.message
        else:
            ctx["info"] = info
            existing = actions.current_membership(actions.id_index(info.number))
            if existing is not None:
                ctx["conflict"] = actions.already_member_error(request.user, existing).message
    return render(request, "members/application_form.html#idcheck", ctx)


@require_GET
@access.page(Perm.VIEW)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = scope.get_application(request.user, pk)
    ctx = {"a": app, "approve_form": forms.ApproveForm(), "reason_form": forms.ReasonForm()}
    return render(request, "members/application_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    app = scope.get_application(request.user, pk, Perm.MEMBER_WRITE)
    initial = {
        k: getattr(app, k) for k in ("name", *actions.CODED_FIELDS, "job", "is_model_worker", "employer_name")
    }
    initial["is_migrant"] = "1" if app.is_migrant else "0"
    initial["employer"] = str(app.employer_id or "")
    form = forms.ApplicationEditForm(request.POST or None, initial=initial, employers=_employers_of(app.org))
    if request.method == "POST" and form.is_valid():
        try:
            actions.application_update(user=request.user, application=app, **form.action_data())
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已修改并重新提交审核。"))
            return redirect("members:application_detail", app.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("修改入会申请 %(no)s") % {"no": app.form_no}, "intro": app.reason and _("退回原因：%(r)s") % {"r": app.reason},
        "cancel_url": reverse("members:application_detail", args=[app.pk]), "submit": _("保存并重新提交"),
        "crumbs": _crumbs((reverse("members:applications"), _("入会审核"))),
    })  # fmt: skip


@require_POST
@access.page(Perm.REVIEW)
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    app = scope.get_application(request.user, pk, Perm.REVIEW)
    form = forms.ApproveForm(request.POST)
    joined_on = form.cleaned_data.get("joined_on") if form.is_valid() else None
    try:
        m = actions.application_approve(user=request.user, application=app, joined_on=joined_on)
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect("members:application_detail", app.pk)
    messages.success(request, _("已通过，会员编号 %(no)s。") % {"no": m.member_no})
    return redirect("members:detail", m.pk)


def _review_close(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    app = scope.get_application(request.user, pk, Perm.REVIEW)
    form = forms.ReasonForm(request.POST)
    try:
        action(user=request.user, application=app, reason=form.data.get("reason", ""))
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect("members:application_detail", app.pk)


@require_POST
@access.page(Perm.REVIEW)
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_close(request, pk, actions.application_reject, _("已不予通过，申请人可看到原因。"))


@require_POST
@access.page(Perm.REVIEW)
def application_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_close(request, pk, actions.application_return, _("已退回修改。"))


@require_GET
@access.page(Perm.VIEW)
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """会员登记表 PDF. The full ID number and phone are printed only for users who may reveal
    them (the form is signed and filed), and that is audited; others get the masked form."""
    app = scope.get_application(request.user, pk)
    shown = {"id_number": "", "phone": ""}
    if access.has_perm(request.user, Perm.REVEAL_PII):
        shown = actions.application_reveal_pii(user=request.user, application=app, purpose="print")
    data = pdfs.registration_form_pdf(app, federation=_federation(app.org), **shown)
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="form-{app.form_no}.pdf"'
    return resp


# --- cards --------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def card_list(request: HtmxHttpRequest) -> HttpResponse:
    """Members without a valid card (发证关), and the batches issued."""
    orgs = _base_orgs(request.user)
    org_code = request.GET.get("org", "").strip()
    qs = cards.without_card(scope.scoped_memberships(request.user).filter(status=MembershipStatus.ACTIVE))
    if org_code:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, org_code).path)
    page = Paginator(
        qs.select_related("person", "org").order_by("org_path", "member_no"), _per_page(request)
    ).get_page(request.GET.get("page"))
    batches = (
        scope.scoped_card_batches(request.user)
        .select_related("org", "issued_by")
        .order_by("-created_at", "-id")[:20]
    )
    ctx = {"page": page, "orgs": orgs, "org_code": org_code, "batches": batches,
           "issue_form": forms.CardIssueForm(orgs=orgs, initial={"org": org_code}) if access.has_perm(request.user, Perm.MEMBER_WRITE) else None}  # fmt: skip
    if request.htmx:
        return render(request, "members/cards.html#rows", ctx)
    return render(request, "members/cards.html", ctx)


@require_POST
@access.page(Perm.MEMBER_WRITE)
def card_issue(request: HttpRequest) -> HttpResponse:
    orgs = _base_orgs(request.user, Perm.MEMBER_WRITE)
    form = forms.CardIssueForm(request.POST, orgs=orgs)
    if not form.is_valid():
        messages.error(request, _("请选择发证工会和日期。"))
        return redirect("members:cards")
    org = scope.get_base_org(request.user, form.cleaned_data["org"], Perm.MEMBER_WRITE)
    ids_raw = request.POST.getlist("membership")
    membership_ids = [int(x) for x in ids_raw if x.isdigit()] or None
    try:
        batch = cards.card_batch_issue(
            user=request.user,
            org=org,
            membership_ids=membership_ids,
            issued_on=form.cleaned_data["issued_on"],
        )
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect(f"{reverse('members:cards')}?org={org.code}")
    messages.success(
        request, _("已为“%(org)s”发放 %(n)d 张会员证，请打印。") % {"org": org.name, "n": batch.size}
    )
    return redirect("members:card_batch", batch.pk)


@require_GET
@access.page(Perm.VIEW)
def card_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = scope.get_card_batch(request.user, pk)
    page = Paginator(
        batch.cards.select_related("person", "membership").order_by("card_no"), _per_page(request)
    ).get_page(request.GET.get("page"))
    return render(request, "members/card_batch.html", {"batch": batch, "page": page})


@require_GET
@access.page(Perm.VIEW)
def card_batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    batch = scope.get_card_batch(request.user, pk)
    qs = batch.cards.select_related("person", "membership", "membership__org").order_by("card_no")
    data = pdfs.card_sheet_pdf(
        qs.iterator(chunk_size=500),
        federation=_federation(batch.org),
        check_url=lambda t: check_url(request, t),
    )
    audit_record(
        user=request.user,
        action="card.print",
        obj=batch,
        org_path=batch.org_path,
        changes={"cards": batch.size},
    )
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="cards-{batch.pk}.pdf"'
    return resp


@require_POST
@access.page(Perm.MEMBER_WRITE)
def card_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    card = scope.get_card(request.user, pk, Perm.MEMBER_WRITE)
    try:
        cards.card_revoke(user=request.user, card=card, reason=request.POST.get("reason", ""))
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("会员证 %(no)s 已作废。") % {"no": card.card_no})
    return redirect("members:detail", card.membership_id)


# --- transfers ----------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def transfer_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", TransferStatus.PENDING)
    qs = scope.scoped_transfers(request.user).select_related("person", "from_org", "to_org")
    if status in TransferStatus.values:
        qs = qs.filter(status=status)
    prefix = access.scope_path(request.user)
    page = Paginator(qs.order_by("-started_at", "-id"), _per_page(request)).get_page(request.GET.get("page"))
    t: Any  # a Transfer that also carries display attributes for the template (set below)
    for t in page:
        t.from_shown = (
            t.from_org.name if t.from_path.startswith(prefix) else actions.mask_org_name(t.from_org.name)
        )
        t.to_shown = t.to_org.name if t.to_path.startswith(prefix) else actions.mask_org_name(t.to_org.name)
        answering_path = t.to_path if t.answering_side == TransferSide.TO else t.from_path
        starting_path = t.from_path if t.initiated_by == TransferSide.FROM else t.to_path
        t.can_answer = t.status == TransferStatus.PENDING and answering_path.startswith(prefix)
        t.can_cancel = t.status == TransferStatus.PENDING and starting_path.startswith(prefix)
        t.member_link = (
            t.from_membership_id
            if t.from_path.startswith(prefix)
            else (t.to_membership_id if t.to_path.startswith(prefix) else None)
        )
    ctx = {"page": page, "status": status, "statuses": TransferStatus.choices}
    if request.htmx:
        return render(request, "members/transfers.html#rows", ctx)
    return render(request, "members/transfers.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def transfer_in(request: HttpRequest) -> HttpResponse:
    """The receiving union starts a transfer for a worker who came to it with a current membership
    elsewhere; the sending union confirms."""
    orgs = _base_orgs(request.user, Perm.MEMBER_WRITE)
    application = None
    app_id = request.POST.get("application") or request.GET.get("application")
    if app_id and str(app_id).isdigit():
        application = scope.get_application(request.user, int(app_id), Perm.MEMBER_WRITE)
    initial = {
        "to_org": application.org.code if application else "",
        "application": application.pk if application else None,
    }
    chosen = application.org if application else None
    form = forms.TransferInForm(
        request.POST or None, orgs=orgs, employers=_employers_of(chosen), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        to_org = scope.get_base_org(request.user, form.cleaned_data["to_org"], Perm.MEMBER_WRITE)
        try:
            info = actions.parse_id(form.cleaned_data["id_number"])
            current = actions.current_membership(actions.id_index(info.number))
            if current is None:
                raise ApplicationError(
                    _("没有找到该身份证号的有效会籍，请直接办理入会申请。"),
                    code="not_member",
                    details={"field": "id_number"},
                )
            t = actions.transfer_start(user=request.user, membership=current, to_org=to_org, side=TransferSide.TO,
                                       new_employer=form.employer(), note=form.cleaned_data["note"], application=application)  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            shown = (
                t.from_org.name
                if access.in_scope(request.user, t.from_path)
                else actions.mask_org_name(t.from_org.name)
            )
            messages.success(request, _("已向“%(org)s”发出接转请求，对方确认后完成转入。") % {"org": shown})
            return redirect("members:transfers")
    return render(request, "core/form.html", {
        "form": form, "title": _("会员关系转入"), "submit": _("发起接转"), "cancel_url": reverse("members:transfers"),
        "intro": _("职工已是其他工会会员、现到本辖区单位工作的，由本会发起转入，原工会确认后完成。新单位未建会的，可转入所在地的联合工会或新就业形态工会。"),
        "crumbs": _crumbs((reverse("members:transfers"), _("会员接转"))),
    })  # fmt: skip


def _transfer_answer(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    t = scope.get_transfer(request.user, pk, Perm.VIEW)
    side = t.answering_side if verb in ("accept", "reject") else t.initiated_by
    t = scope.get_transfer(request.user, pk, Perm.MEMBER_WRITE, side=side)
    note = request.POST.get("note", "")
    try:
        if verb == "accept":
            actions.transfer_accept(user=request.user, transfer=t, note=note)
        elif verb == "reject":
            actions.transfer_reject(user=request.user, transfer=t, note=note)
        else:
            actions.transfer_cancel(user=request.user, transfer=t, note=note)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            {"accept": _("接转已完成。"), "reject": _("已拒绝接转。"), "cancel": _("已撤回接转。")}[verb],
        )
    return redirect("members:transfers")


@require_POST
@access.page(Perm.MEMBER_WRITE)
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_answer(request, pk, "accept")


@require_POST
@access.page(Perm.MEMBER_WRITE)
def transfer_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_answer(request, pk, "reject")


@require_POST
@access.page(Perm.MEMBER_WRITE)
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_answer(request, pk, "cancel")


# --- join codes ---------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def qr_codes(request: HttpRequest) -> HttpResponse:
    """Every base union in scope with its join link, QR code and poster (扫码入会)."""
    qs = _base_orgs(request.user)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(name__contains=q)
    page = Paginator(qs, _per_page(request)).get_page(request.GET.get("page"))
    for o in page:
        o.join_url = join_url(request, o.code)
    root = selectors.top_federation(access.acting_org(request))
    return render(
        request,
        "members/qr_codes.html",
        {"page": page, "q": q, "root_url": join_url(request, root.code), "root": root},
    )


@require_GET
@access.page(Perm.VIEW)
def qr_png(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    from gonghui.core.pdf import qr_png

    resp = HttpResponse(qr_png(join_url(request, org.code)), content_type="image/png")
    resp["Content-Disposition"] = f'inline; filename="join-{org.code}.png"'
    return resp


@require_GET
@access.page(Perm.VIEW)
def qr_poster(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    data = pdfs.join_poster_pdf(
        org_name=org.name, federation=_federation(org), url=join_url(request, org.code)
    )
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="join-{org.code}.pdf"'
    return resp
