"""Issue 18, part 2: the defects a new user hit in the register (one test each)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.members import actions, cards
from gonghui.members.models import Card, CardStatus, Transfer
from tests.members.conftest import new_id, person

pytestmark = pytest.mark.django_db


def _paper(org: str, **kw: str) -> dict[str, str]:
    data = {k: v for k, v in person(**kw).items() if v is not None}
    return {"org": org, "signed": "on", **data}


def test_paper_joining_of_a_member_elsewhere_shows_one_message_and_carries_the_id(login, register):
    """D1/D4: no Python dict, no internal id; one message naming the (masked) union; 改为发起接转
    carries the ID number (in a POST, not the URL)."""
    number = new_id()
    m = register("T0008", id_number=number)  # 第一中学 (education subtree)
    c = login("east_clerk")  # 东镇: the school is outside its scope
    page = c.post(reverse("members:application_new"), _paper("T0003", id_number=number)).content.decode()
    assert "{'" not in page and "&#x27;" not in page and "<Org" not in page and "&lt;Org" not in page
    assert "membership" not in page and "details" not in page and m.member_no not in page
    assert page.count("登记为会员") == 1 and "（第**工会）" in page and "改为发起接转" in page
    assert f'name="id_number" value="{number}"' in page
    form = c.post(reverse("members:transfer_in"), {"prefill": "1", "id_number": number, "to_org": "T0003"})
    body = form.content.decode()
    assert form.status_code == 200 and f'value="{number}"' in body
    assert "这个字段是必填项" not in body  # shown unbound: a prefilled form, not a failed one
    assert ">Application<" not in body and "Application" not in body.split("<main")[1]
    assert Transfer.objects.count() == 0


def test_paper_form_shows_every_error_at_once(login, tree):
    """D13: a wrong check digit and an unticked signature are reported together."""
    c = login("east_clerk")
    data = _paper("T0003", id_number=new_id()[:17] + "Z")
    data.pop("signed")
    page = c.post(reverse("members:application_new"), data).content.decode()
    assert "这个字段是必填项" in page  # the signature
    assert "不是有效字符" in page  # the number, in the same answer


def test_paper_form_preselects_no_union_among_several(login, tree):
    """D17: the paper application's union is chosen, not the first in the list."""
    page = login("east_clerk").get(reverse("members:application_new")).content.decode()
    select = page.split('id="id_org"')[1].split("</select>")[0]
    assert 'value="" selected' in select or ("selected" not in select)


def test_transfer_names_both_unions_and_revokes_the_old_card(login, register, tree):
    """D2/D15: both clerks see the other union in full; the receiving-union picker has nothing
    preselected and can be searched; after the transfer the old card is revoked."""
    m = register("T0003")
    cards.card_batch_issue(user=None, org=m.org)
    assert Card.objects.get(person=m.person).status == CardStatus.VALID
    east = login("east_clerk")
    form = east.get(reverse("members:transfer_out", args=[m.pk])).content.decode()
    select = form.split('name="to_org"')[1].split("</select>")[0]
    assert (
        "data-searchable" in form
        and 'value="" selected' in select
        and "第一中学工会（T0008） · 教育系统工会" in select
    )
    r = east.post(reverse("members:transfer_out", args=[m.pk]), {"to_org": "T0008"})
    assert r.status_code == 302
    assert "第一中学工会" in east.get(reverse("members:transfers")).content.decode()
    t = Transfer.objects.get()
    from django.test import Client

    school = Client()
    from gonghui.accounts.models import Role, User

    u = User(username="school_clerk", org=tree["orgs"]["T0008"], role=Role.CLERK)
    u.set_password("x-9271-pass")
    u.save()
    school.force_login(u)
    listing = school.get(reverse("members:transfers")).content.decode()
    assert "东镇甲公司工会" in listing and "会**" not in listing
    r = school.post(reverse("members:transfer_accept", args=[t.pk]))
    assert r.status_code == 302
    msgs = school.get(reverse("members:transfers")).content.decode()
    assert "补发新证" in msgs
    card = Card.objects.get(person=m.person)
    assert card.status == CardStatus.REVOKED and card.revoked_on is not None
    assert not actions.has_valid_card(m.person_id)


def test_bulk_review_approves_each_with_its_checks_and_audit(login, apply, register):
    """D9 (list): selected applications are approved one by one through the same action — each
    audited; one that breaks a rule (already a member) is reported, the rest go through."""
    from gonghui.core.models import AuditEntry
    from gonghui.members.models import Application, ApplicationStatus

    a1, a2 = apply("T0003"), apply("T0003")
    number = new_id()
    a3 = apply("T0003", id_number=number)
    register("T0006", id_number=number)  # meanwhile a member elsewhere: approval must refuse
    c = login("east_reviewer")
    page = c.get(reverse("members:applications")).content.decode()
    assert f'name="pk" value="{a1.pk}"' in page and "批量通过" in page
    r = c.post(
        reverse("members:application_bulk"), {"verb": "approve", "pk": [a1.pk, a2.pk, a3.pk]}, follow=True
    )
    body = r.content.decode()
    assert "已通过 2 份申请" in body and a3.form_no in body
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert (
        statuses[a1.pk] == statuses[a2.pk] == ApplicationStatus.APPROVED
        and statuses[a3.pk] == ApplicationStatus.PENDING
    )
    assert AuditEntry.objects.filter(action="application.approve", username="east_reviewer").count() == 2
    r = c.post(reverse("members:application_bulk"), {"verb": "reject", "pk": [a3.pk]}, follow=True)
    assert "须填写原因" in r.content.decode()
    c.post(reverse("members:application_bulk"), {"verb": "reject", "pk": [a3.pk], "reason": "重复入会"})
    assert Application.objects.get(pk=a3.pk).status == ApplicationStatus.REJECTED
    clerk = login("east_clerk")
    assert (
        clerk.post(reverse("members:application_bulk"), {"verb": "approve", "pk": [a3.pk]}).status_code == 403
    )


def test_demo_names_agree_with_the_sex_of_the_id_number():
    """D11: a demo person's given name is drawn by the sex the ID number gives."""
    import random

    from gonghui.core import ids
    from gonghui.demo import names
    from gonghui.demo.people import _People

    people = _People(random.Random(2017))
    for _ in range(300):
        p = people.make(migrant=False)
        info = ids.parse_id_number(p["number"])
        given = p["name"][1:]
        pool = names.GIVEN_MALE if info.gender == "M" else names.GIVEN_FEMALE
        assert p["gender"] == info.gender and all(ch in pool for ch in given), p["name"]
