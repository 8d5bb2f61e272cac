"""An employer closes (工会法 art. 13): orgs/closure.py employer_close, its page and its API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gonghui.core.errors import ApplicationError
from gonghui.members import actions
from gonghui.members.codes import EventType, Reason
from gonghui.members.models import (
    Application,
    ApplicationStatus,
    Membership,
    MembershipEvent,
    MembershipStatus,
    TransferStatus,
)  # fmt: skip
from gonghui.orgs.closure import employer_close
from gonghui.orgs.models import Org, OrgStatus
from gonghui.reports import counters
from tests.members.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tree: dict[str, Any]) -> Any:
    def _register(org_code: str, **kw: Any) -> Membership:
        return actions.member_register(
            user=tree["users"]["county_admin"], org=tree["orgs"][org_code], **person(**kw)
        )

    return _register


def _staff(tree: dict[str, Any]) -> Any:
    return tree["users"]["east_admin"]


def _union_with_members(tree: dict[str, Any], register: Any, n: int = 3) -> list[Membership]:
    ms = [register("T0003", name=f"会员{i}") for i in range(n)]
    actions.membership_retain(user=_staff(tree), membership=ms[-1], on=dt.date.today(), reason=Reason.RETIRED)
    return ms


def test_every_member_retained_at_the_upper_union_and_the_union_dissolved(tree, register):
    ms = _union_with_members(tree, register, n=4)
    # a pending transfer out follows the member; a transfer into the union is cancelled
    t_out = actions.transfer_start(user=tree["users"]["county_admin"], membership=ms[0], to_org=tree["orgs"]["T0006"],
                                   side="from", note="换工作")  # fmt: skip
    outsider = register("T0006", name="外来")
    t_in = actions.transfer_start(
        user=tree["users"]["county_admin"], membership=outsider, to_org=tree["orgs"]["T0003"], side="to"
    )
    pending_app = actions.application_create(user=_staff(tree), org=tree["orgs"]["T0003"], channel="paper",
                                             consent_version="paper-signature", **person(name="待审"))  # fmt: skip
    township = tree["orgs"]["T0002"]
    before_total = counters.subtree_figures(township.path)

    done = employer_close(
        user=_staff(tree), employer=tree["employers"]["甲公司"], on=dt.date.today(), reason="企业注销"
    )

    assert done.retained == 4 and done.to_org.pk == township.pk
    union = Org.objects.get(code="T0003")
    assert union.status == OrgStatus.DISSOLVED
    assert not Membership.objects.filter(org=union, status__in=["active", "retained"]).exists()
    for old in ms:
        m = Membership.objects.get(pk=old.pk)
        assert (m.org_id, m.org_path, m.status) == (township.pk, township.path, MembershipStatus.RETAINED)
        assert m.member_no.startswith(township.code)
        ev = MembershipEvent.objects.filter(membership=m, reason=Reason.EMPLOYER_CLOSED)
        assert ev.filter(from_org=union, to_org=township).exists()
        assert ev.first().note == "企业注销"
    # the active ones are 保留 where they were; the one already retained moves with the records
    assert MembershipEvent.objects.filter(reason=Reason.EMPLOYER_CLOSED, type=EventType.RETAIN).count() == 3
    # member numbers at the township are gap-free 1..4
    nos = sorted(Membership.objects.filter(org=township).values_list("member_no", flat=True))
    assert nos == [f"{township.code}{i:06d}" for i in range(1, 5)]
    t_out.refresh_from_db()
    t_in.refresh_from_db()
    assert (t_out.status, t_out.from_org_id, t_out.from_path) == (
        TransferStatus.PENDING,
        township.pk,
        township.path,
    )
    assert t_in.status == TransferStatus.CANCELLED
    assert Application.objects.get(pk=pending_app.pk).status == ApplicationStatus.REJECTED
    emp = tree["employers"]["甲公司"]
    emp.refresh_from_db()
    assert emp.operating_status == "deregistered" and emp.union_id is None
    # counters exact: a full recount agrees, and the township kept every person (4 retained)
    assert counters.verify() == []
    after = counters.subtree_figures(township.path)
    assert after["members"] == before_total["members"] - 3
    assert after["retained_members"] == before_total["retained_members"] + 3
    # the transfer out can still be accepted from the township
    new = actions.transfer_accept(user=tree["users"]["west_admin"], transfer=t_out)
    assert new.org.code == "T0006" and counters.verify() == []


def test_retained_at_a_joint_union_under_the_township(tree, register):
    _union_with_members(tree, register, n=2)
    joint = tree["orgs"]["T0004"]
    done = employer_close(user=_staff(tree), employer=tree["employers"]["甲公司"], to_org=joint)
    assert done.to_org.pk == joint.pk
    assert Membership.objects.filter(org=joint, status=MembershipStatus.RETAINED).count() == 2
    assert counters.verify() == []


def test_refusals_leave_everything_unchanged(tree, register):
    _union_with_members(tree, register, n=2)
    staff = _staff(tree)
    with pytest.raises(ApplicationError) as e:  # another township's union is no target
        employer_close(user=staff, employer=tree["employers"]["甲公司"], to_org=tree["orgs"]["T0006"])
    assert e.value.code == "to_org"
    with pytest.raises(ApplicationError) as e:  # a joint union does not end with one of its employers
        employer_close(user=staff, employer=tree["employers"]["乙店"])
    assert e.value.code == "joint_union"
    with pytest.raises(ApplicationError) as e:
        employer_close(user=staff, employer=tree["employers"]["戊公司"])
    assert e.value.code == "no_union"
    assert Org.objects.get(code="T0003").status == OrgStatus.ACTIVE
    assert Membership.objects.filter(org__code="T0003", status__in=["active", "retained"]).count() == 2
    assert counters.verify() == []


def test_page_and_api(tree, register, login, client, api_token):
    _union_with_members(tree, register, n=2)
    assert login("east_admin").get("/orgs/T0003/employer-closed/").status_code == 403  # no restructure right
    c = login("county_admin")
    page = c.get("/orgs/T0003/employer-closed/")
    assert page.status_code == 200 and "工会法" in page.content.decode()
    r = c.post("/orgs/T0003/employer-closed/", {"employer": tree["employers"]["甲公司"].pk, "to_org": "T0002",
                                                "on": dt.date.today().isoformat(), "operating_status": "closed", "reason": "破产"})  # fmt: skip
    assert r.status_code == 302
    assert Org.objects.get(code="T0003").status == OrgStatus.DISSOLVED
    assert Membership.objects.filter(org__code="T0002", status="retained").count() == 2
    # API: without the right (east_admin) refused and nothing changes; the federation admin closes
    register("T0006", name="西镇会员")
    url = f"/api/v1/employers/{tree['employers']['丁公司'].pk}/close"
    r = client.post(url, {}, content_type="application/json", **api_token("east_admin"))
    assert r.status_code in (403, 404)
    assert Org.objects.get(code="T0006").status == OrgStatus.ACTIVE
    r = client.post(url, {"reason": "注销"}, content_type="application/json", **api_token("county_admin"))
    assert r.status_code == 200, r.content
    assert r.json() == {
        "employer": tree["employers"]["丁公司"].pk,
        "union": "T0006",
        "to_org": "T0005",
        "retained": 1,
    }
    assert counters.verify() == []
