"""Path values and API bodies of the idle list, follow-up and reminder routes for the route-walking
gatekeeper test (tests/accounts/test_gatekeeper.py), imported by tests/worklife/gatekeeper.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.accounts import test_gatekeeper as gk


def _idle_objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    from gonghui.worklife.models_idle import IdleFollowUp

    org = tree["orgs"]["T0003" if inside else "T0006"]
    f = IdleFollowUp.objects.create(org=org, org_path=org.path, note="门禁督促", due_on=dt.date(2030, 1, 1))
    values.setdefault("worklife", {}).update(pk=f.pk, code=org.code)
    values["api"].update(followup_id=f.pk)


if _idle_objects not in gk.EXTRA_VALUES:
    gk.EXTRA_VALUES.append(_idle_objects)

gk.API_BODIES.update({
    "orgs/{code}/idle-followups": {"note": "门禁督促", "due_on": "2030-01-01"},
    "idle-followups/{followup_id}/close": {"result": "门禁办结"},
    "notifications/preference": {"sms": False},
})  # fmt: skip

# a viewer may set its own reminder settings (its own state, like marking its notes read)
gk.OWN_STATE.update({"worklife:reminder_settings", "api:preference_get", "api:preference_put"})
