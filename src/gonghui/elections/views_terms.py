"""Pages for terms (届次) and elections (换届选举). Each view: gatekeeper, form, one action."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.elections import actions, conf, forms, notify, rules, scope, selectors
from gonghui.elections.models import ElectionStatus, MeetingType, PostKind, TermRequestKind, TermRequestStatus
from gonghui.elections.views import apply_error, crumbs, form_page


def _home() -> tuple[str, str]:
    return reverse("elections:home"), _("组建换届")


def _terms() -> tuple[str, str]:
    return reverse("elections:terms"), _("届次")


# --- terms ---------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def terms(request: HttpRequest) -> HttpResponse:
    """Terms ending within N days and overdue (到期未换届) in the user's scope."""
    today = timezone.localdate()
    r = conf.rules()
    raw = request.GET.get("within", "").strip()
    within = int(raw) if raw.isdigit() and int(raw) <= 3650 else r.due_days
    show = request.GET.get("show", "")
    qs = access.scoped_orgs(request.user)
    if code := request.GET.get("under", "").strip():
        qs = qs.filter(path__startswith=access.get_org(request.user, code).path)
    qs = selectors.term_filter(
        qs, today=today, overdue=show in ("", "overdue"), due_within=within if show in ("", "due") else None
    )
    page = Paginator(qs.order_by("term_end", "path"), 50).get_page(request.GET.get("page"))
    selectors.annotate_terms(list(page.object_list), today=today)
    pending = (
        scope.scoped_term_requests(request.user)
        .filter(status=TermRequestStatus.PENDING)
        .select_related("org")[:50]
    )
    ctx = {"page": page, "within": within, "show": show, "under": request.GET.get("under", ""), "today": today,
           "pending": pending, "help": conf.help_texts()}  # fmt: skip
    return render(request, "elections/terms.html", ctx)


@require_POST
@access.page(Perm.ORG_MANAGE)
def terms_notify(request: HttpRequest) -> HttpResponse:
    access.require(request.user, Perm.ORG_MANAGE, path=access.scope_path(request.user))
    n = notify.terms_notify(under=access.acting_org(request))
    messages.success(request, _("已向负责账号发送 %(n)d 条提醒（同一事项不重复提醒）。") % {"n": n})
    return redirect("elections:terms")


@require_GET
@access.page(Perm.VIEW)
def term_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    today = timezone.localdate()
    selectors.annotate_terms([org], today=today)
    ctx = {
        "org": org,
        "leadership": selectors.leadership(org),
        "elections": org.elections.all(),
        "requests": org.term_requests.select_related("created_by", "decided_by"),
        "documents": org.documents.all(),
        "can_manage": org.is_active and scope.can(request.user, Perm.ORG_MANAGE, org.path),
        "can_decide": scope.can_upper(request.user, Perm.REVIEW, org.path),
        "members": actions.member_count(org),
        "help": conf.help_texts(),
    }
    return render(request, "elections/term_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def term_request_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    form = forms.TermRequestForm(
        request.POST or None, initial={"kind": request.GET.get("kind", TermRequestKind.POSTPONE)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.term_request_create(user=request.user, org=org, **form.cleaned_data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已报上级工会审批。"))
            return redirect("elections:term", org.code)
    h = conf.help_texts()
    return form_page(request, form, title=_("换届事项请示：%(n)s") % {"n": org.name}, submit=_("报上级工会"),
                     trail=crumbs(_home(), _terms(), (reverse("elections:term", args=[org.code]), org.name)),
                     cancel_url=reverse("elections:term", args=[org.code]), rules_help=[h["postpone"], h["due"], h["general_meeting"]],
                     intro=_("章程第二十六、二十七条：提前或延期换届、会员不足规定人数召开会员代表大会，须报上一级工会批准。"))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.REVIEW)
def term_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    req = scope.get_term_request_to_decide(request.user, request_id)
    form = forms.TermDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.term_request_decide(user=request.user, request=req, approve=form.cleaned_data["decision"] == "approve",
                                        reason=form.cleaned_data["reason"])  # fmt: skip
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已审批。"))
            return redirect("elections:term", req.org.code)
    detail = f"{req.get_kind_display()}：{req.reason}" + (
        f"（{_('日期')} {req.proposed_date}）" if req.proposed_date else ""
    )
    return form_page(request, form, title=_("审批：%(o)s%(k)s") % {"o": req.org.name, "k": req.get_kind_display()}, intro=detail,
                     submit=_("提交审批结果"), trail=crumbs(_home(), _terms(), (reverse("elections:term", args=[req.org.code]), req.org.name)),
                     cancel_url=reverse("elections:term", args=[req.org.code]))  # fmt: skip


# --- elections -----------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def election_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = scope.scoped_elections(request.user).select_related("org")
    if status in ElectionStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "elections/elections.html",
        {"page": page, "status": status, "statuses": ElectionStatus.choices},
    )


def _election_help() -> list[str]:
    h = conf.help_texts()
    return [h["general_meeting"], h["bands"], h["contest"], h["quorum"], h["majority"], h["due"],
            _("工会法第十条：企业主要负责人的近亲属不得作为本企业基层工会委员会成员的人选。")]  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def election_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    members = actions.member_count(org)
    today = timezone.localdate()  # never a past date by default (an overdue term ended long ago)
    initial = {"meeting_date": max(org.term_end or today, today), "due": members, "term_years": conf.rules().default_term_years,
               "meeting_type": MeetingType.GENERAL if members <= conf.rules().general_meeting_max else MeetingType.DELEGATES}  # fmt: skip
    form = forms.ElectionForm(request.POST or None, initial=initial)
    del form.fields["present"]
    if request.method == "POST" and form.is_valid():
        try:
            e = actions.election_create(user=request.user, org=org, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已建立换届选举，请核对职位名额并提名候选人。"))
            return redirect("elections:election", e.pk)
    return form_page(request, form, title=_("换届选举：%(n)s（会员 %(m)d 人）") % {"n": org.name, "m": members}, submit=_("下一步"),
                     trail=crumbs(_home(), _terms(), (reverse("elections:term", args=[org.code]), org.name)),
                     cancel_url=reverse("elections:term", args=[org.code]), rules_help=_election_help())  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def election_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id)
    posts = []
    r = conf.rules()
    for p in e.posts.prefetch_related("candidates__membership", "rounds__votes", "rounds__candidates"):
        rounds: list[dict[str, Any]] = []
        for rnd in p.rounds.all():
            votes = {v.candidate_id: v.votes_for for v in rnd.votes.all()}
            rows = sorted(((c, votes.get(c.pk)) for c in rnd.candidates.all()), key=lambda t: -(t[1] or 0))
            rounds.append(
                {
                    "r": rnd,
                    "rows": rows,
                    "elected": set(rnd.outcome.get("elected", [])),
                    "tied": set(rnd.outcome.get("tied", [])),
                }
            )
        filled = sum(1 for c in p.candidates.all() if c.elected)
        posts.append({
            "p": p, "candidates": list(p.candidates.all()), "rounds": rounds, "filled": filled,
            "min_candidates": rules.min_candidates(p.seats, contested=p.kind in r.contested_posts, rate=r.contest_rate),
            "open": next((x["r"] for x in rounds if not x["r"].counted), None),
            "may_close": not p.closed and filled < p.seats and rules.may_leave_vacant(post=p.kind, elected=filled, seats=p.seats, members=e.members, bands=r.bands),
        })  # fmt: skip
    can_manage = scope.can(request.user, Perm.ORG_MANAGE, e.org_path)
    ctx = {
        "e": e, "posts": posts, "problems": actions.problems(e) if e.status == ElectionStatus.SETUP else [],
        "quorum": rules.quorum_met(due=e.due, present=e.present, quorum=r.quorum, inclusive=r.quorum_inclusive),
        "needed": rules.votes_needed(due=e.due, majority=r.majority), "band": rules.committee_band(e.members, r.bands),
        "documents": e.documents.all(), "can_manage": can_manage,
        "can_decide": e.status == ElectionStatus.SUBMITTED and scope.can_upper(request.user, Perm.REVIEW, e.org_path),
        "help": _election_help(), "requests": e.requests.all(),
    }  # fmt: skip
    return render(request, "elections/election_detail.html", ctx)


def _trail(e: Any) -> list[dict[str, str]]:
    return crumbs(
        _home(),
        (reverse("elections:term", args=[e.org.code]), e.org.name),
        (reverse("elections:election", args=[e.pk]), _("第%(n)d届选举") % {"n": e.term_number}),
    )


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def election_edit(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    form = forms.ElectionForm(
        request.POST or None, initial={k: getattr(e, k) for k in actions.MEETING_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.election_update(user=request.user, election=e, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("elections:election", e.pk)
    return form_page(request, form, title=_("会议情况"), trail=_trail(e), cancel_url=reverse("elections:election", args=[e.pk]),
                     rules_help=_election_help())  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def election_posts(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    form = forms.PostsForm(request.POST or None, initial=dict(e.posts.values_list("kind", "seats")))
    if request.method == "POST" and form.is_valid():
        try:
            actions.election_set_posts(
                user=request.user, election=e, seats={k: v or 0 for k, v in form.cleaned_data.items()}
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存职位名额。"))
            return redirect("elections:election", e.pk)
    lo, hi = rules.committee_band(e.members, conf.rules().bands)
    return form_page(request, form, title=_("应选职位与名额"), trail=_trail(e), cancel_url=reverse("elections:election", args=[e.pk]),
                     intro=_("会员 %(m)d 人：委员会委员 %(lo)d–%(hi)d 名。") % {"m": e.members, "lo": lo, "hi": hi},
                     rules_help=_election_help())  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def election_candidate_add(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    form = forms.CandidateForm(
        request.POST or None, posts=e.posts.all(), initial={"post": request.GET.get("post", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            c = actions.candidate_add(user=request.user, election=e, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("已提名 %(n)s 为%(p)s候选人。") % {"n": c.name, "p": c.post.get_kind_display()}
            )
            if request.POST.get("again"):
                return redirect(reverse("elections:candidate_add", args=[e.pk]) + f"?post={c.post.kind}")
            return redirect("elections:election", e.pk)
    return form_page(request, form, title=_("提名候选人"), submit=_("提名"), again=_("提名并继续"), trail=_trail(e),
                     cancel_url=reverse("elections:election", args=[e.pk]), rules_help=_election_help())  # fmt: skip


@require_POST
@access.page(Perm.ORG_MANAGE)
def election_candidate_remove(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    ids = [int(x) for x in request.POST.getlist("candidate") if x.isdigit()]
    return _do(
        request,
        e,
        lambda: actions.candidate_remove(user=request.user, election=e, candidate_ids=ids),
        _("已移除候选人。"),
    )


def _do(request: HttpRequest, e: Any, fn: Any, done: str) -> HttpResponse:
    try:
        fn()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("elections:election", e.pk)


@require_POST
@access.page(Perm.ORG_MANAGE)
def election_start(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return _do(
        request,
        e,
        lambda: actions.election_start_voting(user=request.user, election=e),
        _("候选人名单已确定，可以开始投票计票。"),
    )


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def election_votes(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    kind = request.POST.get("post") or request.GET.get("post", "")
    post = e.posts.filter(kind=kind).first()
    rnd = actions.open_round(post) if post else None
    if post is None or rnd is None:
        messages.error(request, _("该职位没有待计票的轮次。"))
        return redirect("elections:election", e.pk)
    candidates = list(rnd.candidates.all())
    form = forms.VotesForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.round_record(
                user=request.user,
                election=e,
                post=post.kind,
                ballots=form.cleaned_data["ballots"],
                votes=form.votes(),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            names = [c.name for c in candidates if c.pk in done.outcome.get("elected", [])]
            msg = _("计票完成：当选 %(n)s。") % {"n": "、".join(names) or _("无")}
            if done.outcome.get("tied"):
                msg += _(" 有候选人得票相等，须就票数相等者再次投票。")
            elif done.outcome.get("remaining"):
                msg += _(" 尚有 %(r)d 个名额未选出，可另行选举。") % {"r": done.outcome["remaining"]}
            messages.success(request, msg)
            return redirect("elections:election", e.pk)
    r = conf.rules()
    title = _("计票：%(p)s 第 %(n)d 轮（应选 %(s)d 名）") % {
        "p": post.get_kind_display(),
        "n": rnd.number,
        "s": rnd.seats,
    }
    return form_page(request, form, title=title, submit=_("计票"), trail=_trail(e), cancel_url=reverse("elections:election", args=[e.pk]),
                     intro=_("应到 %(d)d 人，实到 %(p)d 人；当选须获赞成票 %(v)d 票以上（超过应到人数的 %(m)s）。") % {
                         "d": e.due, "p": e.present, "v": rules.votes_needed(due=e.due, majority=r.majority), "m": r.majority},
                     hidden={"post": post.kind}, rules_help=_election_help())  # fmt: skip


@require_POST
@access.page(Perm.ORG_MANAGE)
def election_close_post(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    kind = request.POST.get("post", "")
    return _do(
        request,
        e,
        lambda: actions.post_close(user=request.user, election=e, post=kind),
        _("已确定不再另行选举。"),
    )


@require_POST
@access.page(Perm.ORG_MANAGE)
def election_submit(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return _do(
        request,
        e,
        lambda: actions.election_submit(user=request.user, election=e),
        _("选举结果已报上级工会审批。"),
    )


@require_POST
@access.page(Perm.ORG_MANAGE)
def election_reopen(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return _do(
        request,
        e,
        lambda: actions.election_reopen(user=request.user, election=e),
        _("已重新开始：计票结果已清除，候选人保留。"),
    )


@require_http_methods(["GET", "POST"])
@access.page(Perm.REVIEW)
def election_decide(request: HttpRequest, election_id: int) -> HttpResponse:
    e = scope.get_election_to_decide(request.user, election_id)
    form = forms.DecideForm(request.POST or None)
    cast(ChoiceField, form.fields["decision"]).choices = [("approve", _("同意")), ("return", _("退回"))]
    if request.method == "POST" and form.is_valid():
        try:
            actions.election_decide(
                user=request.user,
                election=e,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            e.refresh_from_db()
            messages.success(
                request,
                _("已审批：%(s)s。") % {"s": e.get_status_display()}
                + (f" {e.approval_no}" if e.approval_no else ""),
            )
            return redirect("elections:election", e.pk)
    won = actions.elected(e)
    summary = "；".join(f"{PostKind(k).label}：{'、'.join(c.name for c in v)}" for k, v in won.items())
    return form_page(request, form, title=_("审批选举结果：%(o)s第%(n)d届") % {"o": e.org.name, "n": e.term_number}, intro=summary,
                     submit=_("提交审批结果"), trail=_trail(e), cancel_url=reverse("elections:election", args=[e.pk]))  # fmt: skip
