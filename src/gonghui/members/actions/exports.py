"""Exports of the register are recorded once, here, whatever the channel (page, API, CLI)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gonghui.core.audit import audit_record
from gonghui.members.actions.common import audit_user


@transaction.atomic
def export_record(
    *,
    user: Any,
    kind: str,
    org_path: str,
    object_repr: str = "",
    reveal: bool = False,
    via: str = "web",
    details: dict[str, Any] | None = None,
) -> None:
    """Record an export (`export.<kind>`) and, when full ID numbers and phones are in it, the
    reveal (`pii.reveal`, purpose export): DESIGN.md "revealing one is an audited action". The
    caller has checked the export right and, for `reveal`, the reveal right in scope."""
    who = audit_user(user)
    audit_record(user=who, action=f"export.{kind}", object_type=kind, object_repr=object_repr, org_path=org_path,
                 changes={**(details or {}), "reveal": reveal, "via": via})  # fmt: skip
    if reveal:
        audit_record(user=who, action="pii.reveal", object_type="members", object_repr=object_repr,
                     org_path=org_path, changes={"purpose": "export", "via": via})  # fmt: skip
