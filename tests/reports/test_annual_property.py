"""Property (issue 17 item 9): over random trees — orgs founded and dissolved around 30 September,
employers with surveys before and after it, members joining and leaving — every row of
`gonghui annual --json` is its own numerators over its own denominators, the rows add up to the
total, the total's members are the register's members that day, and the kept snapshot gives the
same report as counting live."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.members import roll
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Employer, EmployerSurvey, Org, OrgKind
from gonghui.reports import yearend
from gonghui.reports.annual import RATES, ROW_KEYS
from gonghui.reports.selectors import members_at

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 9, 30)
_seq = itertools.count(1)
COUNTS = [k for k in ROW_KEYS if not k.endswith("_rate")]

days = st.integers(min_value=-40, max_value=40).map(lambda d: AS_OF + dt.timedelta(days=d))
maybe_day = st.one_of(st.none(), days)


def _annual(code: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("annual", "--org", code, "--year", "2026", "--json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _build(data: st.DataObject) -> Org:
    n = next(_seq)

    def add(parent: Org | None, kind: str) -> Org:
        k = next(_seq)
        founded = data.draw(maybe_day)
        ended = data.draw(st.one_of(st.none(), days)) if parent is not None else None
        attrs = dict(code=f"P{k:05d}", name=f"工会{k}<b>", kind=kind, region_code="530326", province_code="53",
                     founded_on=founded, status="dissolved" if ended else "active", ended_on=ended)  # fmt: skip
        return Org.objects.add_child(parent, attrs) if parent else Org.objects.add_root(attrs)

    root = add(None, OrgKind.COUNTY_FEDERATION)
    areas, bases = [root], []
    base_kinds = st.sampled_from([OrgKind.GRASSROOTS, OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT])
    for _ in range(data.draw(st.integers(0, 3))):
        if data.draw(st.booleans()):
            town = add(Org.objects.get(pk=root.pk), OrgKind.TOWNSHIP_UNION)
            areas.append(town)
            for _ in range(data.draw(st.integers(0, 3))):
                bases.append(add(Org.objects.get(pk=town.pk), data.draw(base_kinds)))
        else:
            bases.append(add(Org.objects.get(pk=root.pk), data.draw(base_kinds)))
    areas = [Org.objects.get(pk=a.pk) for a in areas]
    bases = [Org.objects.get(pk=b.pk) for b in bases]
    for _ in range(data.draw(st.integers(0, 8))):
        area = data.draw(st.sampled_from(areas))
        union = data.draw(st.one_of(st.none(), st.sampled_from(bases))) if bases else None
        employees = data.draw(st.integers(0, 60))
        migrants = data.draw(st.integers(0, employees))
        status = data.draw(st.sampled_from(["normal", "normal", "suspended", "closed"]))
        e = Employer.objects.create(name=f"单位{next(_seq)}", region_code="530326", province_code="53",
                                    area_org=area, area_path=area.path, union=union, employees=employees,
                                    migrant_workers=migrants, operating_status=status,
                                    surveyed_on=data.draw(maybe_day))  # fmt: skip
        for _ in range(data.draw(st.integers(0, 2))):
            emp = data.draw(st.integers(0, 60))
            EmployerSurvey.objects.create(employer=e, surveyed_on=data.draw(days), employees=emp, members=0,
                                          migrant_workers=data.draw(st.integers(0, emp)), migrant_members=0,
                                          operating_status=data.draw(st.sampled_from(["normal", "closed"])))  # fmt: skip
    for _ in range(data.draw(st.integers(0, 10)) if bases else 0):
        k = next(_seq)
        p = Person.objects.create(name=f"会员{k}", id_cipher="x", id_index=f"prop-{n}-{k}", id_masked="5303**********0000",
                                  gender=data.draw(st.sampled_from("MF")), birth_date=dt.date(1990, 1, 1),
                                  birthplace_code="530326", province_code="53", is_migrant=data.draw(st.booleans()))  # fmt: skip
        org = data.draw(st.sampled_from(bases))
        joined = data.draw(days)
        ended = data.draw(st.one_of(st.none(), days.filter(lambda d, j=joined: d > j)))
        roll.added([Membership.objects.create(person=p, org=org, org_path=org.path, province_code="53", member_no=f"M{k}",
                                  joined_on=joined, ended_on=ended, status="left" if ended else "active")])  # fmt: skip
    return Org.objects.get(pk=root.pk)


def _check(rep: dict[str, Any]) -> None:
    assert rep["year"] == 2026 and rep["as_of"] == "2026-09-30"
    for row in [*rep["rows"], rep["total"]]:
        for name, num, den in RATES:
            assert row[name] == (row[num] / row[den] if row[den] else 0)
            assert isinstance(row[num], int) and isinstance(row[den], int)
        assert 0 <= row["employers_unionised"] <= row["employers_due"]
        assert 0 <= row["unionisation_rate"] <= 1
    for k in COUNTS:
        assert rep["total"][k] == sum(r[k] for r in rep["rows"])
    assert "org" not in rep["total"] and all(set(r) == {"org", *ROW_KEYS} for r in rep["rows"])
    assert len({r["org"]["name"] for r in rep["rows"]}) == len(rep["rows"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=st.data())
def test_every_row_is_consistent_and_the_rows_add_up(db: Any, data: st.DataObject) -> None:
    with transaction.atomic():
        root = _build(data)
        live = _annual(root.code)
        _check(live)
        assert live["total"]["members"] == members_at(root, AS_OF)["members"]
        for child in Org.objects.get_children(root).filter(numchild__gt=0):
            _check(_annual(child.code))
        yearend.ensure(AS_OF)
        assert _annual(root.code) == live  # the kept snapshot says what counting live says
        transaction.set_rollback(True)
