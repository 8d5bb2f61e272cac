"""Collective contracts: the deadlines of the 集体合同规定 as settings (报送 10 days after signing,
审查 15 days, deemed effective without an answer, renewal due 3 months before the end), the
state on a day, the workflow through the actions, and coverage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gonghui.core.errors import ApplicationError
from gonghui.core.models import AuditEntry
from gonghui.worklife import actions_contracts as act
from gonghui.worklife import deadlines, selectors
from gonghui.worklife.models import CollectiveContract, ContractStatus, ReviewAnswer

pytestmark = pytest.mark.django_db
D = dt.date


def _signed(tree: dict[str, Any], signed: dt.date, end: dt.date, **kw: Any) -> CollectiveContract:
    return act.contract_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0003"], title="甲公司集体合同",
                               employers=[tree["employers"]["甲公司"]], signed_on=signed, end_on=end, **kw)  # fmt: skip


def test_deadlines_follow_the_settings(tree: dict[str, Any], settings: Any) -> None:
    c = _signed(tree, D(2025, 3, 1), D(2027, 2, 28))
    assert c.status == ContractStatus.SIGNED and c.start_on == D(2025, 3, 1)
    assert deadlines.submit_due(c) == D(2025, 3, 11)
    assert deadlines.state(c, D(2025, 3, 11)).code == "submit_due"
    late = deadlines.state(c, D(2025, 3, 12))
    assert late.code == "submit_overdue" and late.overdue and "2025-03-11" in late.label
    settings.GONGHUI_CONTRACT_SUBMIT_DAYS = 20
    assert deadlines.submit_due(c) == D(2025, 3, 21)
    assert deadlines.renewal_due(c) == D(2026, 11, 30)  # 90 days before 2027-02-28
    settings.GONGHUI_CONTRACT_RENEWAL_DAYS = 30
    assert deadlines.renewal_due(c) == D(2027, 1, 29)


def test_submission_review_and_deemed_effect(tree: dict[str, Any]) -> None:
    clerk = tree["users"]["east_clerk"]
    c = _signed(tree, D(2025, 3, 1), D(2027, 2, 28))
    with pytest.raises(ApplicationError) as e:
        act.contract_submit(user=clerk, contract=c, submitted_on=D(2025, 2, 28))
    assert e.value.code == "date"
    c = act.contract_submit(user=clerk, contract=c, submitted_on=D(2025, 3, 20), labour_bureau="县人社局")
    assert AuditEntry.objects.filter(
        action="worklife.contract.submit", changes__late=True
    ).exists()  # 9 days late
    assert deadlines.review_due(c) == D(2025, 4, 4)
    assert deadlines.state(c, D(2025, 4, 4)).code == "review"
    # no answer within 15 days: effective by law from the day after, whatever is recorded later
    assert deadlines.state(c, D(2025, 4, 5)).code == "in_force"
    with pytest.raises(ApplicationError) as e:
        act.contract_answer(user=clerk, contract=c, answer="objection", answered_on=D(2025, 4, 10))
    assert e.value.code == "review_period_over"
    assert act.settle_reviews(D(2025, 4, 4)) == 0
    assert act.settle_reviews(D(2025, 4, 5)) == 1
    assert act.settle_reviews(D(2025, 4, 6)) == 0  # idempotent
    c.refresh_from_db()
    assert (c.status, c.review_answer, c.effective_on) == (
        ContractStatus.EFFECTIVE,
        ReviewAnswer.DEEMED,
        D(2025, 4, 5),
    )
    assert deadlines.state(c, D(2026, 11, 29)).code == "in_force"
    assert deadlines.state(c, D(2026, 11, 30)).code == "renewal_due"
    assert deadlines.state(c, D(2027, 3, 1)).code == "expired"


def test_objection_sends_it_back_and_renewal_links_the_new_contract(tree: dict[str, Any]) -> None:
    clerk = tree["users"]["east_clerk"]
    today = timezone.localdate()
    c = _signed(tree, today - dt.timedelta(days=40), today + dt.timedelta(days=30))
    act.contract_submit(user=clerk, contract=c, submitted_on=today - dt.timedelta(days=35))
    with pytest.raises(ApplicationError):
        act.contract_renew(user=clerk, contract=c)  # only an effective contract is renewed
    c = act.contract_answer(
        user=clerk, contract=c, answer="objection", answered_on=today - dt.timedelta(days=30)
    )
    assert c.status == ContractStatus.REJECTED and deadlines.state(c, today).code == "rejected"
    act.round_add(user=clerk, contract=c, held_on=today - dt.timedelta(days=28), topics="工资增长幅度")
    c = act.contract_sign(
        user=clerk, contract=c, signed_on=today - dt.timedelta(days=27), end_on=today + dt.timedelta(days=30)
    )
    c = act.contract_submit(user=clerk, contract=c, submitted_on=today - dt.timedelta(days=25))
    c = act.contract_answer(
        user=clerk, contract=c, answer="approved", answered_on=today - dt.timedelta(days=20)
    )
    assert c.status == ContractStatus.EFFECTIVE and c.effective_on == today - dt.timedelta(days=20)
    qs = CollectiveContract.objects.all()
    assert list(selectors.contract_filter(qs, "renewal_due", today)) == [c]
    assert list(selectors.contract_filter(qs, "expired", today + dt.timedelta(days=31))) == [c]
    new = act.contract_renew(user=clerk, contract=c, signed_on=today, end_on=today + dt.timedelta(days=700))
    assert new.renews_id == c.pk and new.start_on == today + dt.timedelta(days=31)
    assert list(new.employers.all()) == [tree["employers"]["甲公司"]]
    assert not selectors.contract_filter(qs, "expired", today + dt.timedelta(days=31)).exists()
    with pytest.raises(ApplicationError) as e:
        act.contract_renew(user=clerk, contract=c)
    assert e.value.code == "renewal_exists"


def test_term_and_employer_rules(tree: dict[str, Any]) -> None:
    clerk, emps = tree["users"]["east_clerk"], tree["employers"]
    with pytest.raises(ApplicationError) as e:
        _signed(tree, D(2025, 3, 1), D(2028, 3, 2))  # over 3 years
    assert e.value.code == "term"
    with pytest.raises(ApplicationError) as e:  # 丁公司 is in 西镇, not under 东镇甲公司工会
        act.contract_create(user=clerk, org=tree["orgs"]["T0003"], title="x", employers=[emps["丁公司"]])
    assert e.value.code == "employer_scope"
    with pytest.raises(ApplicationError) as e:
        act.contract_create(
            user=clerk, org=tree["orgs"]["T0002"], title="x", employers=[emps["乙店"], emps["丙店"]]
        )
    assert e.value.code == "scope"  # several employers need 区域性 / 行业性
    area = act.contract_create(user=clerk, org=tree["orgs"]["T0002"], title="东镇餐饮业行业性工资专项集体合同",
                               scope="industry", category="wage", employers=[emps["乙店"], emps["丙店"]])  # fmt: skip
    assert area.employees_covered == 38 and area.status == ContractStatus.NEGOTIATING


def test_coverage_counts_employers_under_general_contracts_in_force(tree: dict[str, Any]) -> None:
    clerk, emps, today = tree["users"]["east_clerk"], tree["employers"], timezone.localdate()
    c = _signed(tree, today - dt.timedelta(days=60), today + dt.timedelta(days=300))
    act.contract_submit(
        user=clerk, contract=c, submitted_on=today - dt.timedelta(days=55)
    )  # deemed effective
    wage = act.contract_create(user=clerk, org=tree["orgs"]["T0004"], title="联合工会工资专项", scope="area", category="wage",
                               employers=[emps["乙店"], emps["丙店"]], signed_on=today - dt.timedelta(days=60),
                               end_on=today + dt.timedelta(days=300))  # fmt: skip
    act.contract_submit(user=clerk, contract=wage, submitted_on=today - dt.timedelta(days=50))
    east = selectors.coverage(tree["orgs"]["T0002"].path, today)
    # 东镇: 甲公司 (120) under a comprehensive contract; 乙店 and 丙店 only under a wage contract
    assert (east["employers"], east["employers_covered"], east["employees"], east["employees_covered"]) == (
        3,
        1,
        158,
        120,
    )
    assert east["coverage_rate"] == round(120 / 158, 4) and east["contracts_in_force"] == 1
    west = selectors.coverage(tree["orgs"]["T0005"].path, today)
    assert west["employers_covered"] == 0 and west["employers"] == 1  # 戊公司 has no union


def test_attachment_is_kept_and_served_only_in_scope(tree: dict[str, Any], client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _signed(tree, D(2025, 3, 1), D(2027, 2, 28))
    client.force_login(tree["users"]["east_clerk"])
    bad = SimpleUploadedFile("合同.exe", b"MZ\x90\x00", content_type="application/pdf")
    assert (
        "只能上传 PDF"
        in client.post(f"/worklife/contracts/{c.pk}/attachments/", {"upload": bad}).content.decode()
    )
    pdf = SimpleUploadedFile("集体合同文本.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    assert (
        client.post(
            f"/worklife/contracts/{c.pk}/attachments/", {"upload": pdf, "note": "签字文本"}
        ).status_code
        == 302
    )
    a = c.attachments.get()
    assert a.original_name == "集体合同文本.pdf" and a.stored.name.startswith("worklife/contracts/")
    resp = client.get(f"/worklife/attachments/{a.pk}/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF")
    client.force_login(tree["users"]["west_admin"])
    assert client.get(f"/worklife/attachments/{a.pk}/").status_code == 404
