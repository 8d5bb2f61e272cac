"""The register's rules, action by action (members/actions.py, members/cards.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from gonghui.core import pii
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import AuditEntry
from gonghui.members import actions, cards, selectors
from gonghui.members.codes import EventType, Reason
from gonghui.members.models import (
    Application,
    ApplicationStatus,
    Card,
    CardStatus,
    Counter,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from gonghui.orgs import actions as org_actions
from tests.members.conftest import new_id, person

pytestmark = pytest.mark.django_db


# --- applications and approval ------------------------------------------------------------


def test_application_derives_facts_from_the_id_and_stores_it_encrypted(apply):
    number = new_id(born=dt.date(1990, 5, 17), male=False)
    app = apply("T0003", id_number=number.lower(), phone="138 0013 8000")
    assert (app.gender, app.birth_date, app.birthplace_code) == ("F", dt.date(1990, 5, 17), "530326")
    assert app.id_masked == number[:4] + "**********" + number[-4:]
    assert number not in app.id_cipher and app.id_cipher.startswith("v1:")
    assert pii.decrypt(app.id_cipher, context="id_number") == number
    assert app.phone_masked == "138****8000" and app.phone_index == actions.phone_index("13800138000")
    assert app.form_no == "T0003-000001"
    assert app.is_migrant  # agricultural hukou → 农民工 by default
    entry = AuditEntry.objects.get(action="application.create")
    assert number not in str(entry.changes) and entry.org_path == app.org_path


def test_legacy_15_digit_number_is_upgraded_and_old_address_codes_accepted(apply):
    app = apply("T0003", id_number="532101800101123")  # 昭通市 code of the 1980s
    info = actions.parse_id("532101800101123")
    assert info.number.startswith("53210119800101123") and len(info.number) == 18
    assert app.id_index == actions.id_index(info.number)
    assert app.birth_date == dt.date(1980, 1, 1) and app.gender == "M"


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"id_number": "530326199001011235"}, "id_number"),  # bad check digit
        ({"id_number": "5.30326E+17"}, "id_number"),  # Excel
        ({"id_number": new_id(born=dt.date.today() - dt.timedelta(days=365 * 15))}, "too_young"),
        ({"ethnicity": "99"}, "code_value"),
        ({"name": "  "}, "required"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(apply, kw, code):
    with pytest.raises(ApplicationError) as e:
        apply("T0003", **kw)
    assert e.value.code == code and e.value.message


def test_only_base_unions_take_members(apply):
    with pytest.raises(ApplicationError) as e:
        apply("T0002")
    assert e.value.code == "org_kind" and "基层工会" in e.value.message


def test_approval_assigns_gap_free_numbers_and_keeps_the_form_number(apply, tree):
    reviewer = tree["users"]["east_reviewer"]
    apps = [apply("T0003") for _ in range(3)]
    with pytest.raises(ApplicationError), transaction.atomic():
        # a failing approval inside a transaction rolls its number back
        actions.application_approve(user=reviewer, application=apps[0])
        raise ApplicationError("boom")
    members = [actions.application_approve(user=reviewer, application=a) for a in apps]
    assert [m.member_no for m in members] == ["T0003000001", "T0003000002", "T0003000003"]
    assert [m.form_no for m in members] == [a.form_no for a in apps]
    assert Counter.objects.get(org=tree["orgs"]["T0003"], kind=Counter.MEMBER_NO).value == 3
    m = members[0]
    assert m.status == MembershipStatus.ACTIVE and m.org_path == tree["orgs"]["T0003"].path
    assert [(e.type, e.reason) for e in m.events.all()] == [(EventType.JOIN, Reason.APPLY)]
    apps[0].refresh_from_db()
    assert (
        apps[0].status == ApplicationStatus.APPROVED
        and apps[0].membership == m
        and apps[0].reviewed_by == reviewer
    )
    with pytest.raises(ApplicationError):
        actions.application_approve(user=reviewer, application=apps[0])


def test_person_is_kept_once_and_reused_when_a_former_member_rejoins(register, apply, tree):
    number = new_id()
    m = register("T0003", id_number=number)
    actions.membership_leave(user=None, membership=m, on=dt.date.today())
    app = apply("T0006", user="west_admin", id_number=number, name="张三丰")
    m2 = actions.application_approve(user=tree["users"]["west_admin"], application=app)
    assert m2.person_id == m.person_id and Person.objects.count() == 1
    assert Person.objects.get().name == "张三丰"


def test_already_a_member_names_the_union_in_scope(register, apply):
    number = new_id()
    register("T0003", id_number=number)
    with pytest.raises(ConflictError) as e:
        apply("T0004", user="east_clerk", id_number=number)
    assert "东镇甲公司工会" in e.value.message and "接转" in e.value.message
    assert e.value.code == "already_member" and e.value.details["transfer"] is True and e.value.status == 409


def test_already_a_member_elsewhere_is_masked_outside_scope(register, apply):
    number = new_id()
    register("T0003", id_number=number)
    with pytest.raises(ConflictError) as e:
        apply("T0006", user="west_admin", id_number=number)
    assert "东镇甲公司工会" not in e.value.message
    assert "东**工会" in e.value.message and "membership" not in e.value.details


def test_already_a_member_here(register, apply):
    number = new_id()
    m = register("T0003", id_number=number)
    with pytest.raises(ConflictError) as e:
        apply("T0003", id_number=number)
    assert "本会" in e.value.message and m.member_no in e.value.message


def test_one_pending_application_per_union_and_returned_ones_are_replaced(apply, tree):
    number = new_id()
    first = apply("T0003", id_number=number)
    with pytest.raises(ConflictError):
        apply("T0003", id_number=number)
    apply("T0004", id_number=number)  # another union may hold one too; the first approval wins
    actions.application_return(
        user=tree["users"]["east_reviewer"], application=first, reason="姓名与身份证不符"
    )
    second = apply("T0003", id_number=number)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.REJECTED and second.form_no in first.reason


def test_reject_and_return_need_a_reason_and_a_returned_application_can_be_corrected(apply, tree):
    reviewer, clerk = tree["users"]["east_reviewer"], tree["users"]["east_clerk"]
    app = apply("T0003")
    with pytest.raises(ApplicationError):
        actions.application_reject(user=reviewer, application=app, reason=" ")
    actions.application_return(user=reviewer, application=app, reason="请补充工作单位")
    with pytest.raises(ApplicationError):
        actions.application_approve(user=reviewer, application=app)
    app = actions.application_update(
        user=clerk, application=app, name="李四", employer_name="甲公司", hukou_type="nonagri"
    )
    assert app.status == ApplicationStatus.PENDING and app.name == "李四" and not app.is_migrant
    actions.application_reject(user=reviewer, application=app, reason="不在本单位就业")
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.REJECTED


def test_migrant_flag_may_be_set_by_hand(apply):
    assert not apply("T0003", hukou_type="agri", is_migrant=False).is_migrant
    assert apply("T0003", hukou_type="resident", is_migrant=True).is_migrant


# --- personal data ------------------------------------------------------------------------


def test_reveal_needs_the_right_and_is_audited(register, tree):
    number = new_id()
    m = register("T0003", id_number=number, phone="13912345678")
    with pytest.raises(PermissionDenied):
        actions.person_reveal_pii(user=tree["users"]["east_viewer"], membership=m)
    shown = actions.person_reveal_pii(user=tree["users"]["east_clerk"], membership=m)
    assert shown == {"id_number": number, "phone": "13912345678"}
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert entry.username == "east_clerk" and number not in str(entry.changes)


def test_person_update_changes_phone_and_migrant_flag(register, tree):
    m = register("T0003", hukou_type="agri")
    actions.person_update(
        user=tree["users"]["east_clerk"],
        membership=m,
        name="张三",
        phone="13700000001",
        hukou_type="agri",
        is_migrant=False,
    )
    p = Person.objects.get(pk=m.person_id)
    assert not p.is_migrant and p.phone_masked == "137****0001"


# --- status changes -----------------------------------------------------------------------


def test_retain_restore_leave_expel(register, tree):
    clerk = tree["users"]["east_clerk"]
    today = dt.date.today()
    m = register("T0003", joined_on=today - dt.timedelta(days=100))
    m = actions.membership_retain(user=clerk, membership=m, on=today, reason=Reason.RETIRED)
    assert m.status == MembershipStatus.RETAINED and m.is_current
    with pytest.raises(ApplicationError):
        actions.membership_retain(user=clerk, membership=m, on=today, reason=Reason.RETIRED)
    m = actions.membership_restore(user=clerk, membership=m, on=today)
    with pytest.raises(ApplicationError):  # a reason of another change
        actions.membership_leave(user=clerk, membership=m, on=today, reason=Reason.RETIRED)
    cards.card_batch_issue(user=clerk, org=m.org)
    m = actions.membership_leave(user=clerk, membership=m, on=today, reason=Reason.LAPSED)
    assert m.status == MembershipStatus.LEFT and m.ended_on == today
    assert Card.objects.get(person=m.person).status == CardStatus.REVOKED
    assert [e.type for e in m.events.all()] == ["join", "retain", "restore", "leave"]
    m2 = register("T0006")
    m2 = actions.membership_expel(user=clerk, membership=m2, on=today, decision_no="丁工发〔2026〕3号",
                                  decided_on=today - dt.timedelta(days=2))  # fmt: skip
    assert m2.status == MembershipStatus.EXPELLED and m2.events.last().reason == Reason.CRIMINAL
    with pytest.raises(ApplicationError):
        actions.membership_leave(user=clerk, membership=m2, on=today)


def test_expulsion_needs_the_committee_decision_and_records_the_filing(register, tree):
    """开除会籍 (章程第7条（2008年文本）): decided by the base committee, filed with the upper union."""
    clerk, today = tree["users"]["east_clerk"], dt.date.today()
    m = register("T0003", joined_on=today - dt.timedelta(days=100))
    for kw in ({}, {"decision_no": "甲工发1号"}, {"decided_on": today}):  # decision missing in part
        with pytest.raises(ApplicationError) as e:
            actions.membership_change_status(
                user=clerk, membership=m, change="expel", on=today, reason=Reason.CRIMINAL, **kw
            )
        assert e.value.code == "decision_required" and "第7条（2008年文本）" in e.value.message
    with pytest.raises(ApplicationError) as e:  # the committee decides first
        actions.membership_expel(
            user=clerk,
            membership=m,
            on=today - dt.timedelta(days=1),
            decision_no="甲工发1号",
            decided_on=today,
        )
    assert e.value.code == "date_order"
    m.refresh_from_db()
    assert m.status == MembershipStatus.ACTIVE and not m.events.filter(type="expel").exists()
    m = actions.membership_expel(
        user=clerk, membership=m, on=today, decision_no="甲工发1号", decided_on=today - dt.timedelta(days=3)
    )
    exp = m.expulsions.get()
    assert (exp.decision_no, exp.decided_on, exp.filed_on, exp.event.type) == (
        "甲工发1号",
        today - dt.timedelta(days=3),
        None,
        "expel",
    )
    with pytest.raises(ApplicationError):  # filed before it was decided
        actions.membership_expulsion_file(user=clerk, membership=m, filed_on=today - dt.timedelta(days=4))
    exp = actions.membership_expulsion_file(user=clerk, membership=m, filed_on=today)
    assert exp.filed_on == today and exp.filed_with.code == "T0002"  # the upper union
    with pytest.raises(ApplicationError) as e:
        actions.membership_expulsion_file(user=clerk, membership=m, filed_on=today)
    assert e.value.code == "already_filed"


def test_status_date_rules(register, tree):
    m = register("T0003", joined_on=dt.date.today() - dt.timedelta(days=10))
    with pytest.raises(ApplicationError):
        actions.membership_leave(user=None, membership=m, on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ApplicationError):
        actions.membership_leave(user=None, membership=m, on=dt.date.today() - dt.timedelta(days=30))


# --- transfers ----------------------------------------------------------------------------


def test_transfer_started_by_the_sending_union_is_accepted_by_the_receiving_one(register, tree):
    m = register("T0003")
    t = actions.transfer_start(user=tree["users"]["east_admin"], membership=m, to_org=tree["orgs"]["T0006"], side="from",
                               new_employer_name="丁公司")  # fmt: skip
    assert t.status == TransferStatus.PENDING and t.answering_side == "to"
    with pytest.raises(ConflictError):
        actions.transfer_start(
            user=tree["users"]["east_admin"], membership=m, to_org=tree["orgs"]["T0008"], side="from"
        )
    new = actions.transfer_accept(user=tree["users"]["west_admin"], transfer=t, note="欢迎")
    m.refresh_from_db()
    assert m.status == MembershipStatus.TRANSFERRED and m.ended_on == dt.date.today()
    assert (
        new.org == tree["orgs"]["T0006"]
        and new.member_no == "T0006000001"
        and new.status == MembershipStatus.ACTIVE
    )
    assert new.form_no == m.form_no  # the paper file follows the member
    assert [(e.type, e.to_org.code) for e in m.events.all()][-1] == (EventType.TRANSFER_OUT, "T0006")
    assert [(e.type, e.from_org.code) for e in new.events.all()] == [(EventType.TRANSFER_IN, "T0003")]
    assert Person.objects.get(pk=m.person_id).employer_name == "丁公司"
    t.refresh_from_db()
    assert t.status == TransferStatus.ACCEPTED and t.to_membership == new
    # both sides see it in their audit logs
    assert AuditEntry.objects.filter(action="transfer.accept", org_path=tree["orgs"]["T0003"].path).exists()
    assert AuditEntry.objects.filter(action="transfer.accept", org_path=tree["orgs"]["T0006"].path).exists()


def test_transfer_started_by_the_receiving_union_and_rejected_or_cancelled(register, tree):
    m = register("T0003")
    t = actions.transfer_start(
        user=tree["users"]["west_admin"], membership=m, to_org=tree["orgs"]["T0006"], side="to"
    )
    assert t.answering_side == "from"
    with pytest.raises(ApplicationError):
        actions.transfer_reject(user=tree["users"]["east_admin"], transfer=t, note="")
    actions.transfer_reject(user=tree["users"]["east_admin"], transfer=t, note="该会员仍在本单位工作")
    with pytest.raises(ApplicationError):
        actions.transfer_accept(user=tree["users"]["west_admin"], transfer=t)
    t2 = actions.transfer_start(
        user=tree["users"]["west_admin"], membership=m, to_org=tree["orgs"]["T0006"], side="to"
    )
    actions.transfer_cancel(user=tree["users"]["west_admin"], transfer=t2)
    assert Transfer.objects.get(pk=t2.pk).status == TransferStatus.CANCELLED
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.ACTIVE


def test_transfer_rules(register, tree):
    m = register("T0003")
    admin = tree["users"]["county_admin"]
    with pytest.raises(ApplicationError):
        actions.transfer_start(user=admin, membership=m, to_org=tree["orgs"]["T0003"], side="from")
    with pytest.raises(ApplicationError):
        actions.transfer_start(
            user=admin, membership=m, to_org=tree["orgs"]["T0005"], side="from"
        )  # not a base union
    t = actions.transfer_start(user=admin, membership=m, to_org=tree["orgs"]["T0004"], side="from")
    actions.membership_leave(user=admin, membership=m, on=dt.date.today())
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.CANCELLED


def test_transfer_linked_to_an_application_approves_it(register, tree):
    number = new_id()
    m = register("T0003", id_number=number)
    app = Application.objects.get(membership=m)
    # the worker applied at the joint union; it pulls the membership over instead
    t = actions.transfer_start(
        user=tree["users"]["east_admin"],
        membership=m,
        to_org=tree["orgs"]["T0004"],
        side="to",
        application=None,
    )
    new = actions.transfer_accept(user=tree["users"]["east_admin"], transfer=t)
    assert new.org.code == "T0004" and app.form_no == new.form_no


# --- cards --------------------------------------------------------------------------------


def test_cards_are_issued_once_per_person_with_random_check_tokens(register, tree):
    clerk = tree["users"]["east_clerk"]
    ms = [register("T0003") for _ in range(3)]
    batch = cards.card_batch_issue(user=clerk, org=tree["orgs"]["T0003"], membership_ids=[ms[0].pk, ms[1].pk])
    assert batch.size == 2 and {c.card_no for c in batch.cards.all()} == {
        f"{ms[0].member_no}-01",
        f"{ms[1].member_no}-01",
    }
    batch2 = cards.card_batch_issue(user=clerk, org=tree["orgs"]["T0003"])
    assert batch2.size == 1
    with pytest.raises(ApplicationError):
        cards.card_batch_issue(user=clerk, org=tree["orgs"]["T0003"])
    tokens = list(Card.objects.values_list("check_token", flat=True))
    assert len(set(tokens)) == 3 and all(len(t) >= 20 for t in tokens)
    card = Card.objects.get(membership=ms[0])
    cards.card_revoke(user=clerk, card=card, reason="遗失")
    again = cards.card_batch_issue(user=clerk, org=tree["orgs"]["T0003"], membership_ids=[ms[0].pk])
    assert again.cards.get().card_no == f"{ms[0].member_no}-02"
    assert not cards.without_card(Membership.objects.filter(org=tree["orgs"]["T0003"])).exists()


# --- the org tree -------------------------------------------------------------------------


def test_a_union_with_members_cannot_be_dissolved(register, tree):
    register("T0003")
    with pytest.raises(ApplicationError) as e:
        org_actions.org_dissolve(user=tree["users"]["county_admin"], org=tree["orgs"]["T0003"])
    assert e.value.code == "has_members"


def test_merge_moves_members_with_new_numbers_and_history(register, apply, tree):
    a = register("T0003")
    b = register("T0004")
    pending = apply("T0003")
    org_actions.org_merge(
        user=tree["users"]["county_admin"], source=tree["orgs"]["T0003"], target=tree["orgs"]["T0004"]
    )
    a.refresh_from_db()
    assert a.status == MembershipStatus.TRANSFERRED
    moved = Membership.objects.get(person=a.person, status=MembershipStatus.ACTIVE)
    assert moved.org.code == "T0004" and moved.member_no == "T0004000002" and b.member_no == "T0004000001"
    assert moved.events.get().reason == Reason.UNION_MERGED
    pending.refresh_from_db()
    assert pending.org.code == "T0004" and pending.org_path == tree["orgs"]["T0004"].path


def test_moving_a_subtree_keeps_member_paths_right(register, tree):
    m = register("T0006")
    org_actions.org_move(
        user=tree["users"]["county_admin"], org=tree["orgs"]["T0006"], new_parent=tree["orgs"]["T0002"]
    )
    m.refresh_from_db()
    from gonghui.orgs.models import Org

    new_path = Org.objects.get(code="T0006").path
    assert m.org_path == new_path and m.events.get().org_path == new_path
    assert new_path.startswith(tree["orgs"]["T0002"].path)


# --- figures ------------------------------------------------------------------------------


def test_member_stats(register, tree):
    register("T0003", hukou_type="agri", id_number=new_id(male=False))
    register("T0003", hukou_type="nonagri", new_employment_group="courier")
    r = register("T0006", hukou_type="agri")
    actions.membership_retain(user=None, membership=r, on=dt.date.today(), reason=Reason.RETIRED)
    s = selectors.member_stats(tree["orgs"]["T0001"])
    assert (
        s["members"],
        s["migrant_members"],
        s["female_members"],
        s["new_employment_members"],
        s["retained_members"],
    ) == (2, 1, 1, 1, 1)
    # employees of unionised employers: 甲 120, 乙 8, 丙 30, 丁 60, 第一中学 90 = 308 (戊 has no union)
    assert s["unionised_employees"] == 308 and s["membership_rate"] == round(2 / 308, 4)
    east = selectors.member_stats(tree["orgs"]["T0002"])
    assert east["members"] == 2 and east["unionised_employees"] == 158


def test_register_api_of_the_action(tree):
    m = actions.member_register(
        user=tree["users"]["county_admin"], org=tree["orgs"]["T0008"], **person(name="王五")
    )
    assert m.channel == "paper" and Application.objects.get(membership=m).status == ApplicationStatus.APPROVED


def test_every_membership_write_keeps_the_statistics_counters_exact(register, apply, tree):
    from gonghui.reports import counters

    admin = tree["users"]["county_admin"]
    today = dt.date.today()
    a = register("T0003", hukou_type="agri", id_number=new_id(male=False))
    b = register("T0003", new_employment_group="courier")
    c = register("T0006")
    cards.card_batch_issue(user=admin, org=tree["orgs"]["T0003"])
    actions.membership_retain(user=admin, membership=a, on=today, reason=Reason.RETIRED)
    actions.membership_restore(user=admin, membership=a, on=today)
    actions.person_update(user=admin, membership=b, name="改名", hukou_type="agri", new_employment_group="")
    t = actions.transfer_start(user=admin, membership=b, to_org=tree["orgs"]["T0006"], side="from")
    actions.transfer_accept(user=admin, transfer=t)
    actions.membership_leave(user=admin, membership=c, on=today)
    cards.card_revoke(user=admin, card=Card.objects.filter(person=a.person).get(), reason="遗失")
    d = register("T0004")
    actions.membership_retain(user=admin, membership=d, on=today, reason=Reason.UNEMPLOYED)
    org_actions.org_merge(user=admin, source=tree["orgs"]["T0004"], target=tree["orgs"]["T0003"])
    assert counters.verify() == []
    root = counters.subtree_figures(tree["orgs"]["T0001"].path)
    # a's card revoked by hand, b's by the transfer (issue 18: the old card does not stay 有效)
    assert (root["members"], root["retained_members"], root["cards"]) == (2, 1, 0)
