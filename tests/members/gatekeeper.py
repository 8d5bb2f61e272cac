"""Path values and API bodies for the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py).

Imported by tests/members/conftest.py (and, for runs of tests/accounts alone, by tests/conftest.py
if the lead adds `import tests.members.gatekeeper`). Objects are written with the ORM directly,
not through the actions, so the audit log the viewer test compares stays untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.accounts import test_gatekeeper as gk


def _objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    from gonghui.core import ids
    from gonghui.members import actions, roll
    from gonghui.members.models import Application, Card, CardBatch, Membership, Person, Transfer

    org = tree["orgs"]["T0003" if inside else "T0006"]
    other = tree["orgs"]["T0004" if inside else "T0008"]
    number = ids.make_id_number("530326", dt.date(1980, 1, 1), 101 if inside else 103)
    cols = actions._pii_columns(ids.parse_id_number(number), "13800000000")
    person = Person.objects.create(name="门禁", province_code="53", **{k: v for k, v in cols.items()})
    m = Membership.objects.create(person=person, org=org, org_path=org.path, province_code="53", member_no=f"{org.code}999999",
                                  joined_on=dt.date(2020, 1, 1))  # fmt: skip
    roll.add([m])
    app = Application.objects.create(
        channel="paper", org=org, org_path=org.path, province_code="53", form_no=f"{org.code}-999999",
        public_token=f"gk-{org.code}", name="门禁", consent_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), consent_version="t",
        **{k: v for k, v in cols.items()},
    )  # fmt: skip
    t = Transfer.objects.create(person=person, from_membership=m, from_org=org, from_path=org.path, to_org=other,
                                to_path=other.path, initiated_by="from")  # fmt: skip
    batch = CardBatch.objects.create(org=org, org_path=org.path, issued_on=dt.date(2026, 1, 1), size=1)
    Card.objects.create(person=person, membership=m, batch=batch, card_no=f"{m.member_no}-01", issued_on=batch.issued_on,
                        check_token=f"gk-{org.code}")  # fmt: skip
    # one pk for every members page: each view looks its own kind up, and refuses before that on role
    values["members"] = {"pk": m.pk, "change": "retain", "code": org.code, "token": f"gk-{org.code}"}
    values["api"].update(member_id=m.pk, application_id=app.pk, transfer_id=t.pk)
    values["members_pks"] = {"membership": m.pk, "application": app.pk, "transfer": t.pk, "batch": batch.pk}
    values["ids"].update(membership=m.pk, member_no=m.member_no, id_number=number)


if _objects not in gk.EXTRA_VALUES:
    gk.EXTRA_VALUES.append(_objects)

gk.API_BODIES.update({
    "members": {"org": "{code}", "name": "门禁", "id_number": "530326198001010011"},
    "members/{member_id}/status": {"change": "leave", "on": "2026-01-01", "reason": "voluntary"},
    "applications": {"org": "{code}", "name": "门禁", "id_number": "530326198001010011"},
    "applications/{application_id}/approve": {},
    "applications/{application_id}/reject": {"reason": "门禁"},
    "applications/{application_id}/return": {"reason": "门禁"},
    "cards": {"org": "{code}"},
    "transfers": {"to_org": "{code}", "side": "to", "id_number": "530326198001010011"},
    "transfers/{transfer_id}/accept": {},
    "transfers/{transfer_id}/reject": {"note": "门禁"},
    "transfers/{transfer_id}/cancel": {},
})  # fmt: skip
