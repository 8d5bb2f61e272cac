"""Path values and API bodies for the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py).

Imported by tests/campaigns/conftest.py. Objects are written with the ORM directly, not through
the actions, so the audit log the viewer test compares stays untouched. Inside: a campaign led by
the east township (东镇); outside: one led by the west township (西镇).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.accounts import test_gatekeeper as gk


def _objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    from gonghui.campaigns.models import Allocation, Campaign, SupervisionNote, WorkGroup, WorkGroupUnit

    lead = tree["orgs"]["T0002" if inside else "T0005"]
    unit = tree["orgs"]["T0003" if inside else "T0006"]
    c = Campaign.objects.create(
        name="门禁行动", org=lead, org_path=lead.path, measure="members", starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2026, 9, 30),
        baseline_source="entered", baseline_on=dt.date(2025, 9, 30), baseline=100, net_minimum=10, target_net=10,
    )  # fmt: skip
    root = Allocation.objects.create(
        campaign=c, org=lead, org_path=lead.path, target=10, split_method="equal"
    )
    Allocation.objects.create(campaign=c, org=unit, org_path=unit.path, parent=root, target=10, weight=1)
    g = WorkGroup.objects.create(campaign=c, name="门禁组", leader="组长")
    WorkGroupUnit.objects.create(campaign=c, group=g, org=unit)
    n = SupervisionNote.objects.create(
        campaign=c, org=unit, org_path=unit.path, on=dt.date(2026, 1, 5), findings="门禁"
    )
    values["campaigns"] = {"pk": c.pk, "code": unit.code, "note": n.pk, "group": g.pk}
    values["api"].update(campaign_id=c.pk, note_id=n.pk)


if _objects not in gk.EXTRA_VALUES:
    gk.EXTRA_VALUES.append(_objects)

gk.API_BODIES.update({
    "campaigns": {"org": "{code}", "name": "门禁", "measure": "members", "starts_on": "2025-10-01", "ends_on": "2026-09-30",
                  "baseline_source": "entered", "baseline": 100, "net_minimum": 10},
    "campaigns/{campaign_id}": {"name": "改名"},
    "campaigns/{campaign_id}/units/{code}/allocate": {"method": "equal"},
    "campaigns/{campaign_id}/notes": {"org": "{code}", "on": "2026-01-05", "findings": "门禁"},
    "campaigns/{campaign_id}/notes/{note_id}/done": {"done_on": "2026-01-06"},
    "campaigns/{campaign_id}/groups": {"name": "门禁组二", "leader": "组长", "units": ["{code}"]},
})  # fmt: skip
