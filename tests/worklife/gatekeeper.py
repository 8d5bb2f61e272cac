"""Path values and API bodies of the worklife routes for the route-walking gatekeeper test
(tests/accounts/test_gatekeeper.py), registered through tests/conftest.py.

Objects are written with the ORM directly, not through the actions, so the audit log the viewer
test compares stays untouched. (14b: add the idle/reminder routes' values in `_objects` below.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.accounts import gatekeeper as sweep
from tests.accounts import test_gatekeeper as gk


def _objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    from django.core.files.base import ContentFile

    from gonghui.worklife.models import (
        Activity,
        ActivityDocument,
        CollectiveContract,
        CongressEmployer,
        CongressSession,
        ContractAttachment,
        ContractEmployer,
        Proposal,
        UnionGroup,
    )

    org = tree["orgs"]["T0003" if inside else "T0006"]
    employer = tree["employers"]["甲公司" if inside else "丁公司"]
    scope = {"org": org, "org_path": org.path, "province_code": "53"}
    s = CongressSession.objects.create(
        term_no=1, session_no=1, held_on=dt.date(2026, 3, 1), delegates=30, **scope
    )
    CongressEmployer.objects.create(session=s, employer=employer)
    p = Proposal.objects.create(session=s, number=1, author="门禁", subject="门禁提案")
    c = CollectiveContract.objects.create(title="门禁合同", **scope)
    ContractEmployer.objects.create(contract=c, employer=employer)
    att = ContractAttachment(contract=c, original_name="合同.pdf", content_type="application/pdf", size=9)
    att.stored.save(f"worklife/gk/{org.code}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    a = Activity.objects.create(kind="culture", held_on=dt.date(2026, 3, 2), title="门禁活动", **scope)
    doc = ActivityDocument(activity=a, original_name="照片.png", content_type="image/png", size=9)
    doc.stored.save(f"worklife/gk/{org.code}.png", ContentFile(b"\x89PNG\r\n\x1a\n0"), save=True)
    g = UnionGroup.objects.create(name="门禁小组", **scope)
    values["worklife"] = {
        "code": org.code, "session_id": s.pk, "proposal_id": p.pk, "contract_id": c.pk, "step": "sign",
        "attachment_id": att.pk, "activity_id": a.pk, "document_id": doc.pk, "group_id": g.pk,
    }  # fmt: skip
    values["api"].update(session_id=s.pk, proposal_id=p.pk, contract_id=c.pk, activity_id=a.pk, group_id=g.pk)
    values["api"].setdefault("member_id", 2**40)
    values["ids"].update(worklife_session=s.pk)


if _objects not in gk.EXTRA_VALUES:
    gk.EXTRA_VALUES.append(_objects)

sweep.ID_FIELDS.setdefault("employer_ids", "employer")
sweep.ID_FIELDS.setdefault("session_id", "worklife_session")

gk.API_BODIES.update({
    "worklife/congress": {"org": "{code}", "term_no": 1, "session_no": 2, "held_on": "2026-03-01", "delegates": 30},
    "worklife/congress/{session_id}/proposals": {"author": "门禁", "subject": "门禁提案"},
    "worklife/proposals/{proposal_id}": {"answer": "已答复"},
    "worklife/disclosures": {"org": "{code}", "subject": "门禁公开", "disclosed_on": "2026-03-01"},
    "worklife/contracts": {"org": "{code}", "title": "门禁合同", "employer_ids": [1]},
    "worklife/contracts/{contract_id}/rounds": {"held_on": "2026-01-05"},
    "worklife/contracts/{contract_id}/sign": {"signed_on": "2026-01-05", "end_on": "2028-01-04"},
    "worklife/contracts/{contract_id}/submit": {"submitted_on": "2026-01-06"},
    "worklife/contracts/{contract_id}/answer": {"answer": "approved", "answered_on": "2026-01-07"},
    "worklife/contracts/{contract_id}/renew": {"signed_on": "2026-01-05", "end_on": "2028-01-04"},
    "worklife/contracts/{contract_id}/terminate": {"terminated_on": "2026-01-05", "reason": "门禁"},
    "worklife/activities": {"org": "{code}", "kind": "culture", "held_on": "2026-01-05", "title": "门禁活动"},
    "worklife/groups": {"org": "{code}", "name": "门禁小组二"},
    "worklife/groups/{group_id}/members": {"member_ids": [1]},
    "worklife/groups/{group_id}/leader": {"member_id": None},
})  # fmt: skip

try:  # 14b's idle / reminder routes register their values there
    import tests.worklife.gatekeeper_idle  # noqa: F401
except ModuleNotFoundError as e:
    if e.name != "tests.worklife.gatekeeper_idle":
        raise
