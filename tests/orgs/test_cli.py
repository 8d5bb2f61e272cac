from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_county_figures(db: Any) -> None:
    run("demo", "--seed", "7")
    stats = json.loads(run("stats", "--json"))
    assert stats["org"] == {"code": "5303260001", "name": "会泽县总工会"}
    assert (stats["orgs"], stats["township_unions"], stats["system_unions"]) == (551, 23, 11)
    assert stats["employers"] > 1000 and 0 < stats["unionisation_rate"] < 1
    townships = json.loads(run("orgs", "--kind", "township_union", "--json"))
    assert len(townships) == 23 and all(t["parent_code"] == "5303260001" for t in townships)
    under = json.loads(run("orgs", "--under", townships[0]["code"], "--json"))
    assert under[0]["code"] == townships[0]["code"] and len(under) > 1
    assert set(under[0]) == {"code", "name", "kind", "parent_code"}
    sub = json.loads(run("stats", "--org", townships[0]["code"], "--json"))
    assert sub["township_unions"] == 1 and sub["orgs"] == len(under)
    with pytest.raises(CommandError):
        run("demo")  # not twice
    assert "跳过" in run("demo", "--if-empty")

    # the demo took today's history snapshots: a dashboard read from them equals one counted live
    from django.test import override_settings

    from gonghui.orgs.models import Org
    from gonghui.reports import selectors

    root, town = Org.objects.get(code="5303260001"), Org.objects.get(code=townships[0]["code"])
    for org in (root, town):
        with override_settings(
            GONGHUI_DASHBOARD_LIVE_LIMIT=10**12
        ):  # counted live (not the default since issue 19)
            live = selectors.dashboard(org)
        with override_settings(GONGHUI_DASHBOARD_LIVE_LIMIT=0):
            snap = selectors.dashboard(org)
        assert live["history_as_of"] is None and snap["history_as_of"] is not None
        assert (snap["by_year"], snap["compare"], snap["groups"]) == (
            live["by_year"],
            live["compare"],
            live["groups"],
        )
        assert live["by_year"][-1]["members"] == live["stats"]["members"] + live["stats"]["retained_members"]


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic() -> None:
    from gonghui.members.models import Membership
    from gonghui.orgs.models import Employer, Org

    def digest() -> tuple[Any, ...]:
        return (
            list(Org.objects.order_by("path").values_list("code", "name", "term_end")),
            list(Employer.objects.order_by("id").values_list("name", "employees", "union__code")),
            list(
                Membership.objects.order_by("id")[:2000].values_list(
                    "person__name", "person__id_index", "org__code", "joined_on"
                )
            ),
            run("stats", "--json"),
        )

    run("demo", "--seed", "3")
    first = digest()
    call_command("flush", "--noinput", verbosity=0)
    run("demo", "--seed", "3")
    assert digest() == first


def test_unknown_org_is_a_clear_error(db: Any) -> None:
    with pytest.raises(CommandError, match="组织代码不存在"):
        run("stats", "--org", "NOPE", "--json")
    with pytest.raises(CommandError, match="组织代码不存在"):
        run("orgs", "--under", "NOPE", "--json")


def test_token_create_prints_a_working_token(client: Any, tree: dict[str, Any]) -> None:
    token = run("token", "create", "east_viewer").strip()
    assert token.startswith("gh_")
    assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    from gonghui.accounts.models import ApiToken

    assert not ApiToken.objects.filter(digest=token).exists()  # only the hash is kept
    with pytest.raises(CommandError):
        run("token", "create", "nobody")
