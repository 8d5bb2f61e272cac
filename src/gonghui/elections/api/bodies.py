"""/api/v1/orgs/{code}/women-committees, /women-committees/missing: 女职工委员会 (工会女职工委员会工作条例
arts. 11, 13) through the same action the page calls."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

from typing import Any

from django.http import HttpRequest
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import Code, Pagination
from gonghui.elections import actions
from gonghui.elections.api import router
from gonghui.elections.api.out import _Lazy
from gonghui.elections.api.schemas import OrgRef, WomenCommitteeIn, WomenCommitteeOut
from gonghui.elections.models import WomenCommittee
from gonghui.orgs.api import ERRORS


def women_out(w: WomenCommittee) -> dict[str, Any]:
    return {"id": w.pk, "org": w.org.code, "form": w.form, "formed_by": w.formed_by, "nominated_on": w.nominated_on,
            "formed_on": w.formed_on, "female_members": w.female_members, "chair_name": w.chair_name,
            "member_names": list(w.member_names), "election": w.election_id, "approved": w.approved}  # fmt: skip


@router.post(
    "/orgs/{code}/women-committees",
    response={201: WomenCommitteeOut, **ERRORS},
    summary="登记女职工委员会（或女职工委员）",
)
def women_committee_record(
    request: HttpRequest, code: Code, payload: WomenCommitteeIn
) -> tuple[int, dict[str, Any]]:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    w = actions.women_committee_record(user=request.user, org=org, **payload.dict())
    return 201, women_out(w)


@router.get(
    "/women-committees/missing", response=list[OrgRef], summary="女会员 10 人以上而未建女职工委员会的工会"
)
@paginate(Pagination)
def women_committee_missing(request: HttpRequest) -> Any:
    qs = actions.unions_missing_women_committee(access.scoped_orgs(request.user)).order_by("path")
    return _Lazy(
        qs.only("code", "name"), lambda o: {"code": o.code, "name": o.name, "female_members": o.female_n}
    )
