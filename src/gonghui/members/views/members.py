"""Member pages: list, export, detail, reveal, edit, status changes, transfer out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.http import HtmxHttpRequest
from gonghui.core.sheets import xlsx_response
from gonghui.members import actions, codes, exports, forms, paging, roll, scope, selectors
from gonghui.members.codes import Table
from gonghui.members.models import (
    Card,
    CardStatus,
    Gender,
    Membership,
    MembershipStatus,
    TransferSide,
    TransferStatus,
)  # fmt: skip
from gonghui.members.views.common import (
    IDP_HEADER,
    _crumbs,
    _per_page,
    _set_labels,
    _transfer_targets,
)
from gonghui.orgs.models import Org, OrgStatus

# --- members ------------------------------------------------------------------------------


def _member_filters(request: HttpRequest) -> selectors.MemberFilters:
    src = request.GET
    given: dict[str, Any] = {k: src.get(k, "").strip() for k in ("q", "employer", "migrant", "group", "org")}
    f = selectors.MemberFilters(**given)
    f.status = src.get("status", "current").strip() or "current"
    # An ID number or phone travels in a request header (the page's htmx sends it), never in the
    # URL, so it stays out of browser history and access logs; a value in the query string is ignored.
    f.idp = request.headers.get(IDP_HEADER, "").strip()
    return f


def _member_queryset(
    request: HttpRequest, f: selectors.MemberFilters, under: Org | None = None, *, walk: bool = False
) -> QuerySet[Membership]:
    if under is None and f.org:
        under = access.get_org(request.user, f.org)
    return selectors.member_search(
        scope.scoped_memberships(request.user, walk=walk), f, under=under, walk=walk
    )


def _mark_cards(rows: list[Membership]) -> None:
    """`has_card` on each row of a page: one query for the page's persons, by person id (on Citus
    the persons' shard; a correlated EXISTS per row would be planned over every shard)."""
    carded = (
        set(
            Card.objects.filter(
                person_id__in={m.person_id for m in rows}, status=CardStatus.VALID
            ).values_list("person_id", flat=True)
        )
        if rows
        else set()
    )
    for m in rows:
        m.has_card = m.person_id in carded  # type: ignore[attr-defined]


def _filter_orgs(org: Org, chosen: Org | None) -> list[Org]:
    """The unions to narrow the list to: those one level below the user's (a county's townships,
    a township's base unions), and the one chosen — not every base union of the subtree (a
    province's county holds thousands)."""
    upper = org.path[:-1] + chr(ord(org.path[-1]) + 1)
    below = Org.objects.filter(
        path__gte=org.path, path__lt=upper, depth=org.depth + 1, status=OrgStatus.ACTIVE
    )
    orgs = list(below.order_by("path")[:500])
    if chosen is not None and chosen not in orgs:
        orgs.insert(0, chosen)
    return orgs


@require_GET
@access.page(Perm.VIEW)
def member_list(request: HtmxHttpRequest) -> HttpResponse:
    """Search in scope: name, number, employer, flags; an ID number or phone exactly (blind index)."""
    f = _member_filters(request)
    under = access.get_org(request.user, f.org) if f.org else None
    org = under or access.acting_org(request)
    count = selectors.known_count(f, org)
    per = _per_page(request)
    if selectors.on_roll(f, org):  # one union: its roll, one shard on Citus (members/roll.py)
        page = paging.roll_page(
            _member_queryset(request, f, under), roll.keys(org), request.GET.get("page"), per, count=count
        )
    else:
        qs = _member_queryset(
            request, f, under, walk=selectors.walk_newest_first(count, request.GET.get("page"))
        )
        page = paging.page_of(qs, request.GET.get("page"), per, count=count)
    rows = list(page.object_list)
    _mark_cards(rows)
    _set_labels(rows, status=MembershipStatus.choices)
    _set_labels([m.person for m in rows], gender=Gender.choices)
    ctx = {
        "page": page, "f": f, "statuses": MembershipStatus.choices, "groups": codes.choices(Table.NEW_EMPLOYMENT),
        "orgs": [] if request.htmx else _filter_orgs(access.acting_org(request), under), "per": per,
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
    filters = {k: v for k, v in vars(f).items() if k not in ("idp", "extra") and v}
    actions.export_record(user=request.user, kind="members", org_path=prefix, reveal=reveal, via="web",
                          details={"filters": filters})  # fmt: skip
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
    reasons = codes.reasons_for(actions.STATUS_CHANGES[change][2])
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
