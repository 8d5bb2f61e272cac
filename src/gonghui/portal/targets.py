"""Where a member may move their membership: a union found by name, the union of a join QR, or —
when the new employer has no union — the joint or new-employment-form union of the area
(members.selectors.joint_unions, the same list the join page offers)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError
from gonghui.members import selectors as members
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus

JOIN_CODE = re.compile(r"(?:/join/)?([A-Za-z0-9_-]{1,40})/?$")


def org_from_join_code(text: str) -> Org:
    """A union's code, or the address in its join QR (…/join/<code>/)."""
    match = JOIN_CODE.search((text or "").strip())
    org = Org.objects.filter(code=match.group(1), status=OrgStatus.ACTIVE).first() if match else None
    if org is None:
        raise ApplicationError(_("没有找到该工会。"), code="to_org", details={"field": "to_org"})
    return org


def find_unions(current: Org, *, q: str = "", join: str = "", area: str = "") -> dict[str, Any]:
    root = members.top_federation(current)
    areas = list(members.join_areas(root))
    chosen = next((a for a in areas if a.code == area), None)
    base = Org.objects.filter(
        path__startswith=root.path, status=OrgStatus.ACTIVE, kind__in=BASE_KINDS
    ).exclude(pk=current.pk)
    out: dict[str, Any] = {"by_name": [], "by_join": None, "areas": areas, "area": chosen,
                           "joint": members.joint_unions(root, area=chosen)}  # fmt: skip
    if q:
        out["by_name"] = list(base.filter(name__contains=q[:40]).order_by("path")[:20])
    if join:
        try:
            out["by_join"] = org_from_join_code(join)
        except ApplicationError:
            out["by_join"] = None
    return out
