"""`gonghui campaigns --json`: a list of campaigns, each with name, org, baseline, target_net, done,
time_progress and allocations [{org, target, done}] of the next level down."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
KEYS = {"name", "org", "baseline", "target_net", "done", "time_progress", "allocations"}


def run(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_json_shape(register_story: Any, make_campaign: Any) -> None:
    make_campaign(net_minimum=70, split_method="baseline")
    data = json.loads(run("campaigns", "--json", "--on", "2026-03-31"))
    assert isinstance(data, list) and len(data) == 1
    c = data[0]
    assert set(c) >= KEYS
    assert (c["name"], c["org"], c["baseline"], c["target_net"], c["done"]) == (
        "会员发展集中行动",
        "T0001",
        7,
        70,
        5,
    )
    assert c["time_progress"] == round(182 / 365, 4)
    assert c["allocations"] == [{"org": "T0002", "target": 40, "done": 4}, {"org": "T0005", "target": 20, "done": 2},
                                {"org": "T0007", "target": 10, "done": -1}]  # fmt: skip
    assert sum(a["target"] for a in c["allocations"]) == c["target_net"]
    assert "目标 70" in run("campaigns", "--on", "2026-03-31")
    assert json.loads(run("campaigns", "--json", "--org", "T0005")) == []
    with pytest.raises(CommandError, match="组织代码不存在"):
        run("campaigns", "--org", "NOPE")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("campaigns", "--on", "yesterday")


@pytest.mark.slow
def test_demo_campaigns_split_exactly(db: Any) -> None:
    """The demo county: a running seed-000-style campaign and a finished one; every campaign's
    allocations sum exactly to its target, at every level."""
    from gonghui.campaigns.models import Allocation, Campaign, SupervisionNote, WorkGroup

    run("demo", "--seed", "5")
    data = json.loads(run("campaigns", "--json"))
    assert len(data) == 2
    current, finished = data
    assert current["name"].endswith("农民工集中入会行动") and current["org"] == "5303260001"
    assert current["target_net"] == max(6_000, -(-current["baseline"] * 7 // 100))
    assert current["done"] > 0 and 0 < current["time_progress"] <= 1
    assert finished["time_progress"] == 1 and finished["done"] > 0
    for c in data:
        assert set(c) >= KEYS
        assert len(c["allocations"]) == 37  # 23 townships, 11 system unions, the park and two industry unions
        assert sum(a["target"] for a in c["allocations"]) == c["target_net"]
    for parent in Allocation.objects.exclude(split_method=""):
        assert sum(parent.children.values_list("target", flat=True)) == parent.target
    split_twice = Allocation.objects.exclude(split_method="").exclude(parent=None)
    assert split_twice.count() == 2
    cur = Campaign.objects.get(name=current["name"])
    assert (
        WorkGroup.objects.filter(campaign=cur).count() == 3
        and SupervisionNote.objects.filter(campaign=cur).exists()
    )
