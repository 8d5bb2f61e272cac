"""Path values and API bodies for the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py),
imported by tests/conftest.py so that test also runs on its own."""

from __future__ import annotations

from typing import Any

from tests.accounts import test_gatekeeper


def _gatekeeper_values(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    from gonghui.rosters.models import ImportJob

    org = tree["orgs"]["T0003" if inside else "T0006"]
    job = ImportJob.objects.create(org=org, org_path=org.path, source_name="roster.xlsx", source_file="/nonexistent",
                                   source_sha256="0" * 64, status="checked", phase="check")  # fmt: skip
    values.setdefault("rosters", {})["pk"] = job.pk
    values["api"]["job_id"] = job.pk


if _gatekeeper_values not in test_gatekeeper.EXTRA_VALUES:
    test_gatekeeper.EXTRA_VALUES.append(_gatekeeper_values)
test_gatekeeper.API_BODIES.setdefault("imports/{job_id}/commit", {"mode": "update"})
