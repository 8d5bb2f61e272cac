"""女职工委员会: a body of its own, not elected by the general assembly (工会女职工委员会工作条例
arts. 11, 13). Required when the union has ≥ 10 female members, else a 女职工委员; its members are
nominated by the union committee and formed by consultation or by a women workers' assembly; its
chair (主任) is approved with the committee's results (`results.election_decide`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.elections import rules
from gonghui.elections.actions.common import OPEN_STATUSES, _u
from gonghui.elections.models import Election, WomenBodyForm, WomenBodyFormedBy, WomenCommittee
from gonghui.members.models import Gender, Membership, MembershipStatus
from gonghui.orgs.models import Org


def female_members(org: Org) -> int:
    """Current female members of the union itself (its own register)."""
    return Membership.objects.filter(
        org=org, status=MembershipStatus.ACTIVE, person__gender=Gender.FEMALE
    ).count()


def has_committee(org: Org) -> bool:
    return WomenCommittee.objects.filter(org=org, form=WomenBodyForm.COMMITTEE).exists()


def women_flags(org: Org) -> list[rules.Problem]:
    """A flag (not blocking the election) when the union is at or above the line without a committee."""
    n = female_members(org)
    if rules.women_body_required(n) == rules.WOMEN_COMMITTEE and not has_committee(org):
        return [rules.Problem("women_committee_missing", _(
            "本会有女会员 %(n)d 人（10 人以上），应建立女职工委员会，尚无记录（工会女职工委员会工作条例第十一条）。") % {"n": n},
            blocking=False)]  # fmt: skip
    return []


def unions_missing_women_committee(orgs: QuerySet[Org]) -> QuerySet[Org]:
    """Unions of `orgs` with ≥ 10 female members and no 女职工委员会 on record — one query: the
    unions joined with their active female members, grouped, and the committees as an uncorrelated
    subquery (Citus runs neither a subquery correlated on the union over the register nor one
    correlated on a coordinator table next to a join with the register; docs/decisions.md)."""
    committees = WomenCommittee.objects.filter(form=WomenBodyForm.COMMITTEE).values("org_id")
    return (
        orgs.filter(memberships__status=MembershipStatus.ACTIVE, memberships__person__gender=Gender.FEMALE)
        .exclude(pk__in=committees)
        .annotate(female_n=Count("memberships"))
        .filter(female_n__gte=rules.WOMEN_COMMITTEE_MIN_FEMALE)
    )


@transaction.atomic
def women_committee_record(
    *, user: Any, org: Org, form: str, formed_by: str, nominated_on: dt.date, formed_on: dt.date, chair_name: str,
    member_names: list[str] | None = None,
) -> WomenCommittee:  # fmt: skip
    """Record the 女职工委员会 (or 女职工委员) as formed: nominated by the union committee, then
    agreed by consultation or elected by a women workers' assembly. With ≥ 10 female members only a
    committee will do. It joins the union's open election, so its chair is approved with the results."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    if form not in WomenBodyForm.values:
        raise ApplicationError(_("形式无效。"), code="form", details={"field": "form"})
    if formed_by not in WomenBodyFormedBy.values:
        raise ApplicationError(_("产生方式无效。"), code="formed_by", details={"field": "formed_by"})
    n = female_members(org)
    if form == WomenBodyForm.MEMBER and rules.women_body_required(n) == rules.WOMEN_COMMITTEE:
        raise ApplicationError(
            _("本会有女会员 %(n)d 人，10 人以上的应建立女职工委员会，不能只设女职工委员（工会女职工委员会工作条例第十一条）。") % {"n": n},
            code="women_committee_required", details={"field": "form"},
        )  # fmt: skip
    chair = "".join((chair_name or "").split())
    if not chair:
        raise ApplicationError(
            _("请填写主任（女职工委员）姓名。"), code="required", details={"field": "chair_name"}
        )
    names = [x for x in ("".join((m or "").split())[:40] for m in (member_names or [])) if x]
    if form == WomenBodyForm.MEMBER and names:
        raise ApplicationError(
            _("女职工委员只设 1 名。"), code="member_one", details={"field": "member_names"}
        )
    today = timezone.localdate()
    if formed_on > today or nominated_on > formed_on:
        raise ApplicationError(
            _("提名日期应不晚于产生日期，产生日期不能晚于今天。"),
            code="dates",
            details={"field": "formed_on"},
        )
    election = Election.objects.filter(org=org, status__in=OPEN_STATUSES).first()
    w = WomenCommittee.objects.create(
        org=org, org_path=org.path, form=form, formed_by=formed_by, nominated_on=nominated_on, formed_on=formed_on,
        female_members=n, chair_name=chair[:40], member_names=names[:60], election=election, created_by=_u(user),
    )  # fmt: skip
    audit_record(user=user, action="women_committee.record", obj=w, org_path=org.path,
                 changes={"form": form, "formed_by": formed_by, "female_members": n, "chair": w.chair_name,
                          "members": len(names), "election": election.pk if election else None})  # fmt: skip
    return w
