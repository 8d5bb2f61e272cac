"""The idle score and its reasons on hand-built unions; the stored figures and counters kept exact
by the worklife actions' hook and the nightly pass; `gonghui stats --verify` and `gonghui idle`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gonghui.worklife import counters, hooks, stats
from gonghui.worklife.idle import conf, score
from gonghui.worklife.models import (
    Activity,
    CollectiveContract,
    CongressEmployer,
    CongressSession,
    ContractEmployer,
    ContractStatus,
)
from gonghui.worklife.models_idle import LifeCounter, UnionLife

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _row(model: Any, org: Any, **kw: Any) -> Any:
    return model.objects.create(org=org, org_path=org.path, province_code="53", **kw)


def contract(org: Any, employers: list[Any], *, start: dt.date, end: dt.date, covered: int = 100) -> Any:
    c = _row(CollectiveContract, org, title=f"{org.name}集体合同", status=ContractStatus.EFFECTIVE, start_on=start,
             end_on=end, signed_on=start, employees_covered=covered)  # fmt: skip
    for e in employers:
        ContractEmployer.objects.create(contract=c, employer=e)
    return c


def congress(org: Any, employers: list[Any], held_on: dt.date) -> Any:
    s = _row(CongressSession, org, term_no=1, session_no=1, held_on=held_on, delegates=30)
    for e in employers:
        CongressEmployer.objects.create(session=s, employer=e)
    return s


def activity(org: Any, held_on: dt.date, n: int = 1) -> list[Any]:
    return [_row(Activity, org, kind="culture", held_on=held_on, title=f"活动{i}") for i in range(n)]


@pytest.fixture
def lively(tree: dict[str, Any]) -> dict[str, Any]:
    """西镇丁公司工会 does everything but services and logins; 东镇甲公司工会 is late and idle."""
    o, e = tree["orgs"], tree["employers"]
    d = o["T0006"]
    d.term_number, d.term_start, d.term_end = (
        2,
        TODAY - dt.timedelta(days=400),
        TODAY + dt.timedelta(days=1000),
    )
    d.save()
    congress(d, [e["丁公司"]], TODAY - dt.timedelta(days=30))
    contract(
        d, [e["丁公司"]], start=TODAY - dt.timedelta(days=100), end=TODAY + dt.timedelta(days=900), covered=60
    )
    activity(d, TODAY - dt.timedelta(days=10), n=4)
    a = o["T0003"]
    a.term_number, a.term_start, a.term_end = (
        1,
        TODAY - dt.timedelta(days=1990),
        TODAY - dt.timedelta(days=165),
    )
    a.save()
    contract(a, [e["甲公司"]], start=TODAY - dt.timedelta(days=1200), end=TODAY - dt.timedelta(days=20))
    activity(a, TODAY - dt.timedelta(days=400))  # outside the window
    return tree


def test_evaluate_pure() -> None:
    r = conf.rules()
    f = score.Facts(
        today=TODAY, term_status="overdue", overdue_days=165, contract_ended_on=dt.date(2026, 3, 31)
    )
    s, parts, reasons = score.evaluate(f, r)
    assert s == 0 and sum(parts.values()) == 0
    assert reasons[:3] == ["届期逾期 165 天", "12 个月未召开职代会", "集体合同已到期（2026-03-31）"]
    assert "12 个月无活动记录" in reasons and "本会无系统账号" in reasons
    full = score.Facts(today=TODAY, term_status="active", congresses=1, contract_in_force=True, activities=9,
                       joins=1, services=2, accounts=1, logins=1)  # fmt: skip
    assert score.evaluate(full, r) == (100, dict.fromkeys(r.weights, 0) | r.weights, [])
    half = score.Facts(today=TODAY, term_status="active", activities=2, accounts=1)
    s, parts, reasons = score.evaluate(half, r)
    assert parts["activities"] == r.weights["activities"] // 2 and "12 个月仅 2 次活动记录" in reasons
    assert s == 30 and "12 个月本会账号未登录系统" in reasons


def test_weights_are_settings(settings: Any) -> None:
    f = score.Facts(today=TODAY, term_status="active")
    settings.GONGHUI_IDLE_WEIGHT_ELECTION = 50
    settings.GONGHUI_IDLE_THRESHOLD = 30
    r = conf.rules()
    assert r.total == 130 and score.evaluate(f, r)[0] == round(100 * 50 / 130)
    assert "50 分" in conf.help_texts()["weights"] and "30 分" in conf.help_texts()["threshold"]


def test_scores_reasons_and_counters(lively: dict[str, Any]) -> None:
    o = lively["orgs"]
    counters.refresh_all(TODAY)
    d = UnionLife.objects.get(org=o["T0006"])
    assert (d.score, d.idle) == (70, False)
    assert d.reasons == ["12 个月无会员发展和变动记录", "12 个月无服务职工记录", "本会无系统账号"]
    a = UnionLife.objects.get(org=o["T0003"])
    assert a.idle and a.score == 0
    assert a.reasons[:4] == ["届期逾期 165 天", "12 个月未召开职代会",
                             f"集体合同已到期（{TODAY - dt.timedelta(days=20):%Y-%m-%d}）", "12 个月无活动记录"]  # fmt: skip
    assert UnionLife.objects.get(org=o["T0008"]).reasons[0] == "无届期记录"
    county = LifeCounter.objects.get(path=o["T0001"].path)
    assert county.figures() == {"unions_scored": 4, "idle_unions": 3, "contracts_in_force": 1, "employers_covered": 1,
                                "employees_covered": 60, "employers_held": 1, "activities": 4}  # fmt: skip
    assert LifeCounter.objects.get(path=o["T0002"].path).idle_unions == 2
    sec = stats.sections(o["T0001"])
    assert sec["collective_contracts"] == {"in_force": 1, "employers_covered": 1, "employees_covered": 60,
                                           "coverage_rate": round(60 / 608, 4)}  # fmt: skip
    assert sec["workers_congress"] == {"employers_held": 1, "rate": 0.2} and sec["idle_unions"] == 3
    assert counters.verify() == []


def test_hook_keeps_counters_exact_and_union_leaves_idle_list(lively: dict[str, Any]) -> None:
    o, e = lively["orgs"], lively["employers"]
    counters.refresh_all(TODAY)
    a = o["T0003"]
    # what the worklife actions do: write, then tell the listeners in the same transaction
    s = congress(a, [e["甲公司"]], TODAY)
    hooks.changed("congress", a, s)
    c = contract(a, [e["甲公司"]], start=TODAY, end=TODAY + dt.timedelta(days=1000), covered=120)
    hooks.changed("contract", a, c)
    acts = activity(a, TODAY, n=1)
    hooks.changed("activity", a, acts)  # a bulk import passes its batch: one call
    row = UnionLife.objects.get(org=a)
    assert row.score == 15 + 15 + 5 and row.idle
    a.term_end = TODAY + dt.timedelta(days=1800)
    a.save()
    counters.refresh([a])
    row.refresh_from_db()
    assert (row.score, row.idle) == (55, False)
    assert "届期逾期 165 天" not in row.reasons
    county = LifeCounter.objects.get(path=o["T0001"].path)
    assert (
        county.contracts_in_force,
        county.employers_held,
        county.employees_covered,
        county.idle_unions,
    ) == (2, 2, 180, 2)
    assert counters.verify() == []
    # a regional contract of the township covers 丙店 (home: the joint union); its removal is seen too
    east = o["T0002"]
    r = contract(east, [e["丙店"]], start=TODAY, end=TODAY + dt.timedelta(days=700), covered=30)
    hooks.changed("contract", east, r)
    assert UnionLife.objects.get(org=o["T0004"]).employers_covered == 1
    assert LifeCounter.objects.get(path=east.path).contracts_in_force == 2
    ContractEmployer.objects.filter(contract=r).delete()
    hooks.changed("contract", east, r)
    assert UnionLife.objects.get(org=o["T0004"]).employers_covered == 0
    assert counters.verify() == []


def test_stats_and_idle_commands(lively: dict[str, Any]) -> None:
    counters.refresh_all(TODAY)
    out = StringIO()
    call_command("stats", "--json", "--org", "T0001", stdout=out)
    data = json.loads(out.getvalue())
    assert data["collective_contracts"]["in_force"] == 1 and data["workers_congress"]["employers_held"] == 1
    assert data["activities"] == 4 and data["idle_unions"] == 3
    call_command("stats", "--verify", stdout=StringIO(), stderr=StringIO())
    LifeCounter.objects.filter(path=lively["orgs"]["T0002"].path).update(activities=7)
    with pytest.raises(CommandError):
        call_command("stats", "--verify", stdout=StringIO(), stderr=StringIO())
    call_command("stats", "--rebuild", stdout=StringIO(), stderr=StringIO())
    assert counters.verify() == []
    # gonghui idle [--org CODE] --json: {org: {code, name}, score, reasons}, idlest first
    out = StringIO()
    call_command("idle", "--json", "--refresh", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["org"]["code"] for r in rows][0] == "T0003"  # idlest first
    assert set(rows[0]) == {"org", "score", "reasons"} and set(rows[0]["org"]) == {"code", "name"}
    assert rows[0]["reasons"][0] == "届期逾期 165 天"
    assert "T0006" not in {r["org"]["code"] for r in rows}
    out = StringIO()
    call_command("idle", "--json", "--org", "T0005", stdout=out)
    assert json.loads(out.getvalue()) == []
    with pytest.raises(CommandError):
        call_command("idle", "--org", "NOPE", stdout=StringIO())


def test_annual_report_table(tree: dict[str, Any]) -> None:
    from gonghui.reports import annual

    o, e = tree["orgs"], tree["employers"]
    rep = annual.report(o["T0001"])
    on = rep["as_of"]
    d, east = o["T0006"], o["T0002"]
    contract(d, [e["丁公司"]], start=on - dt.timedelta(days=10), end=on + dt.timedelta(days=700))
    contract(east, [e["乙店"], e["丙店"]], start=on - dt.timedelta(days=10), end=on + dt.timedelta(days=700))
    contract(east, [e["甲公司"]], start=on + dt.timedelta(days=1), end=on + dt.timedelta(days=700))  # not yet
    congress(d, [e["丁公司"]], on - dt.timedelta(days=100))
    activity(d, on, n=2)
    activity(d, on - dt.timedelta(days=400))  # the year before
    from gonghui.worklife.stats import annual_table

    t = annual_table(rep)
    by_name = {r[0]: r[1:] for r in t["rows"]}
    assert by_name["西镇总工会"] == [1, 1, 1, 2]
    assert by_name["东镇总工会"] == [1, 2, 0, 0]
    assert by_name["合计"] == [2, 3, 1, 2]
    line = annual.notes(rep)[-1]
    assert (
        "有效集体合同 2 份，覆盖用人单位 3 家" in line
        and "召开职代会的已建会单位 1 家" in line
        and "活动 2 次" in line
    )
