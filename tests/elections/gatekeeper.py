"""Path values and API bodies for the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py),
imported by tests/conftest.py so that test also runs on its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from tests.accounts import test_gatekeeper as gatekeeper


def _gatekeeper_objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    """One of each object, written directly (no audit lines: the viewer test counts them)."""
    from gonghui.elections.models import (
        Candidate,
        DocKind,
        Document,
        Election,
        Formation,
        FormationStatus,
        Post,
        RosterEntry,
        TermRequest,
        TermRequestKind,
    )  # fmt: skip

    orgs = tree["orgs"]
    upper = orgs["T0002"] if inside else orgs["T0005"]
    base = orgs["T0003"] if inside else orgs["T0006"]
    f = Formation.objects.create(parent=upper, org_path=upper.path, name=f"门禁测试工会{base.code}", region_code="530326",
                                 status=FormationStatus.RETURNED)  # fmt: skip
    e = Election.objects.create(
        org=base, org_path=base.path, term_number=2, meeting_date=dt.date(2027, 1, 1), due=10, present=9
    )
    post = Post.objects.create(election=e, kind="committee", seats=3)
    roster = RosterEntry.objects.create(
        formation=f, name="门禁创始会员", id_cipher="x", id_index=f"gk-{base.code}", id_masked="x"
    )
    if "membership" in values["ids"]:  # tests/members/gatekeeper.py ran first (tests/conftest.py order)
        from gonghui.members.models import Membership

        m = Membership.objects.get(pk=values["ids"]["membership"])
        values["ids"]["candidate"] = Candidate.objects.create(post=post, membership=m, name="门禁候选人").pk
    values["ids"]["roster_entry"] = roster.pk
    r = TermRequest.objects.create(
        org=base,
        org_path=base.path,
        kind=TermRequestKind.EARLY,
        reason="测试",
        proposed_date=dt.date(2027, 1, 1),
    )
    d = Document(
        kind=DocKind.OTHER, title="测试", original_name="t.pdf", sha256="0", org=base, org_path=base.path
    )
    d.file.save("gatekeeper.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    values["elections"] = {
        "code": base.code,
        "formation_id": f.pk,
        "election_id": e.pk,
        "request_id": r.pk,
        "doc_id": d.pk,
    }
    values["api"].update({"formation_id": f.pk, "election_id": e.pk, "request_id": r.pk, "document_id": d.pk})


if _gatekeeper_objects not in gatekeeper.EXTRA_VALUES:
    gatekeeper.EXTRA_VALUES.append(_gatekeeper_objects)

gatekeeper.API_BODIES.update({
    "formations": {"parent": "{code}", "name": "门禁测试新工会"},
    "formations/{formation_id}": {"name": "改名"},
    "formations/{formation_id}/roster/remove": {"ids": [1]},
    "formations/{formation_id}/decision": {"decision": "reject", "reason": "不符合条件"},
    "orgs/{code}/term-requests": {"kind": "postpone", "reason": "测试", "proposed_date": "2030-01-01"},
    "term-requests/{request_id}/decision": {"decision": "reject", "reason": "不同意"},
    "elections": {"org": "{code}", "meeting_date": "2027-01-01"},
    "elections/{election_id}": {"present": 5},
    "elections/{election_id}/posts": {"committee": 3, "chair": 1},
    "elections/{election_id}/candidates": {"post": "committee", "member_no": "X"},
    "elections/{election_id}/candidates/remove": {"ids": [1]},
    "elections/{election_id}/votes": {"post": "committee", "ballots": 1, "votes": {"1": 1}},
    "elections/{election_id}/close-post": {"post": "committee"},
    "elections/{election_id}/decision": {"decision": "return", "reason": "请补充材料"},
    "elections/{election_id}/plenary": {"present": 3},
    "orgs/{code}/women-committees": {"form": "committee", "formed_by": "assembly", "nominated_on": "2026-01-05",
                                     "formed_on": "2026-01-09", "chair_name": "门禁"},
})  # fmt: skip
