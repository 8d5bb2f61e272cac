"""Foreign ids in bodies and query strings, for the route-walking gatekeeper test
(tests/accounts/test_gatekeeper.py::test_foreign_ids_in_bodies_and_query_strings_answer_like_missing_ones).

The path sweep of that test proves every id in a URL path is gated. This one walks the OpenAPI
document: for every write operation (POST/PATCH/PUT) whose JSON body has a field naming an object
(an id or an org code, also inside lists of objects), and for every query parameter naming one, it
sends the same request three times as a township admin (东镇, T0002): with an object of its own
scope, with the same kind of object of another township (西镇), and with a value nobody has. The
foreign answer must equal the nobody answer (status and JSON body, the value sent blanked out), so
no name, number or even existence leaks. Each request runs in a savepoint that is rolled back, so
the sweep changes nothing and an accepted foreign id cannot hide a later one.

Which objects: each app's tests/<app>/gatekeeper.py puts one object of each kind in `values["ids"]`
(inside and outside); the kinds per field name are declared below.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

NOBODY_INT = 987654321

# Body field / query parameter name -> kind of object it names (same name, same kind, everywhere).
ID_FIELDS: dict[str, str] = {
    "org": "org_code",
    "parent": "org_code",
    "to_org": "org_code",
    "under": "org_code",
    "units": "org_code",
    "member_id": "membership",
    "member_ids": "membership",
    "membership_id": "membership",
    "membership_ids": "membership",
    "member_no": "member_no",
    "id_number": "id_number",
    "employer_id": "employer",
    "new_employer_id": "employer",
    "employers": "employer",
    "employer": "employer",
    "file_id": "care_file",
    "file_ids": "care_file",
    "entry_ids": "care_entry",
    "trainee_id": "care_trainee",
}
# (operation key, field) -> kind, where the field's name alone says too little.
ROUTE_ID_FIELDS: dict[tuple[str, str], str] = {
    ("formations/{formation_id}/roster/remove", "ids"): "roster_entry",
    ("elections/{election_id}/candidates/remove", "ids"): "candidate",
}
# (operation key, field) -> the body to start from when that field is swept, where the route's
# plain body (API_BODIES) would be refused before the field is looked at.
SWEEP_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("transfers", "membership_id"): {
        "side": "from",
        "to_org": "T0004",
    },  # the sending side names the membership
    ("formations/{formation_id}/roster", "id_number"): {"name": "门禁"},
}
# (operation key, field) not swept, and why.
EXEMPT: dict[tuple[str, str], str] = {
    ("members", "id_number"): "registers a new person: the number is the new record's, not a lookup",
    ("applications", "id_number"): "registers a new application: the number is the applicant's own",
}


def nobody_values() -> dict[str, Any]:
    """A value of each kind that names nothing (well-formed, so it passes the schema)."""
    from gonghui.core import ids

    return {
        "org_code": "T9999",
        "member_no": "T9999999999",
        "id_number": ids.make_id_number("530326", dt.date(1990, 7, 7), 777),
    }


def kind_of(key: str, name: str) -> str | None:
    if (key, name) in EXEMPT:
        return None
    return ROUTE_ID_FIELDS.get((key, name)) or ID_FIELDS.get(name)


@dataclass
class Sweep:
    """What the sweep tried and found; `report()` is the line the lead asked for."""

    routes: set[str] = field(default_factory=set)
    body_ids: int = 0
    query_ids: int = 0
    reached: int = 0  # tries where the in-scope value answered differently from the nobody value
    not_reached: list[str] = field(default_factory=list)
    untried: list[str] = field(default_factory=list)  # id fields with no value (no object of the kind)
    skipped: list[str] = field(default_factory=list)  # operations not swept (multipart bodies)
    leaks: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> str:
        return (
            f"{len(self.routes)} routes, {self.body_ids} foreign ids in bodies, {self.query_ids} in query strings "
            f"({self.reached} decisive: the in-scope value answered otherwise); {len(self.leaks)} leaks"
        )


def _blank(value: Any, sent: Any) -> Any:
    if isinstance(value, dict):
        return {k: _blank(v, sent) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v, sent) for v in value]
    if isinstance(value, str) and len(str(sent)) > 3 and str(sent) in value:
        return value.replace(str(sent), "SENT")
    return "SENT" if value == sent or value == str(sent) else value


def answer(resp: Any, sent: Any) -> tuple[int, Any]:
    """Status and JSON body (files and pages: the status alone). In an error ({"code", "message",
    "details"}) the value sent is blanked out of the message and details, where errors echo it."""
    if not resp.get("Content-Type", "").startswith("application/json"):
        return resp.status_code, None
    try:
        body = json.loads(resp.content)
    except ValueError:
        return resp.status_code, None
    if isinstance(body, dict) and "code" in body and resp.status_code >= 400:
        body = {k: (_blank(v, sent) if k in ("message", "details") else v) for k, v in body.items()}
    return resp.status_code, body


def rolled_back(send: Any, *args: Any, **kwargs: Any) -> Any:
    """Send one request inside a savepoint rolled back afterwards: the sweep writes nothing."""
    with transaction.atomic():
        resp = send(*args, **kwargs)
        transaction.set_rollback(True)
    return resp


def openapi() -> dict[str, Any]:
    from gonghui.api import api

    return api.get_openapi_schema()


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
    if "anyOf" in schema:  # Optional[...]: the non-null branch
        branches = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if branches:
            return resolve(doc, branches[0])
    return schema


def id_slots(
    doc: dict[str, Any], key: str, schema: dict[str, Any]
) -> list[tuple[str, str | None, str, bool]]:
    """(field, nested field or None, kind, is a list) for every id-naming field of a body schema."""
    out = []
    for name, prop in resolve(doc, schema).get("properties", {}).items():
        prop = resolve(doc, prop)
        is_list = prop.get("type") == "array"
        item = resolve(doc, prop.get("items", {})) if is_list else {}
        kind = kind_of(key, name)
        if kind:
            out.append((name, None, kind, is_list))
        elif item.get("type") == "object" or "properties" in item:
            for sub in item.get("properties", {}):
                if sub_kind := kind_of(key, sub):
                    out.append((name, sub, sub_kind, True))
    return out


def body_with(
    base: dict[str, Any], required: set[str], slots: list[Any], slot: Any, value: Any
) -> dict[str, Any]:
    """The base body with one id field set to `value`; other optional id fields left out (so the
    field under test decides, e.g. aid by file_id or by member_id)."""
    name, sub, _kind, is_list = slot
    body = {k: v for k, v in base.items() if k in required or k not in {s[0] for s in slots}}
    if sub is None:
        body[name] = [value] if is_list else value
    else:
        item = dict((base.get(name) or [{}])[0])
        item[sub] = value
        body[name] = [item]
    return body


def with_values(body: Any, values: dict[str, Any]) -> Any:
    if isinstance(body, str):
        return body.format(**values)
    if isinstance(body, list):
        return [with_values(v, values) for v in body]
    if isinstance(body, dict):
        return {k: with_values(v, values) for k, v in body.items()}
    return body


# Leaks the sweep finds in handlers being fixed by their owners (issue 12): label -> where and what.
# The sweep fails on any leak not listed here; remove a line when its fix lands.
KNOWN_LEAKS: dict[str, str] = {
    "POST transfers id_number": (
        "members/actions/transfers.py:188 transfer_start_by_id_number: another union's member's ID number answers "
        "409 transfer_pending (members/actions/transfers.py:64, when a transfer is pending) or starts a transfer, "
        "a number nobody has answers 400 not_member: membership (and a pending transfer) outside the scope is "
        "told. By design the receiving union starts a transfer from the number the worker shows; the members "
        "owner decides what the answer may say (issue 12 F4)."
    ),
}
