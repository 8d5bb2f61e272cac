"""Staff pages: scope, roles, the paper application → review → card flow, search, export."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.members import actions, cards
from gonghui.members.models import Application, ApplicationStatus, Card, Membership, Transfer, TransferStatus
from tests.members.conftest import new_id, person

pytestmark = pytest.mark.django_db


def test_pages_render_for_a_clerk(login, register, apply):
    m = register("T0003")
    app = apply("T0003")
    batch = cards.card_batch_issue(user=None, org=m.org)
    c = login("east_clerk")
    for url in (
        reverse("members:list"), reverse("members:detail", args=[m.pk]), reverse("members:edit", args=[m.pk]),
        reverse("members:status", args=[m.pk, "retain"]), reverse("members:transfer_out", args=[m.pk]),
        reverse("members:applications"), reverse("members:application_new"), reverse("members:application_detail", args=[app.pk]),
        reverse("members:application_edit", args=[app.pk]), reverse("members:cards"), reverse("members:card_batch", args=[batch.pk]),
        reverse("members:transfers"), reverse("members:transfer_in"), reverse("members:qr_codes"), reverse("home"),
    ):  # fmt: skip
        r = c.get(url)
        assert r.status_code == 200, url
    assert "会员" in c.get(reverse("home")).content.decode()


def test_out_of_scope_objects_do_not_exist(login, register, apply):
    m = register("T0003")
    app = apply("T0003")
    c = login("west_admin")
    assert c.get(reverse("members:detail", args=[m.pk])).status_code == 404
    assert c.get(reverse("members:application_detail", args=[app.pk])).status_code == 404
    assert c.post(reverse("members:application_approve", args=[app.pk])).status_code == 404
    assert c.post(reverse("members:reveal", args=[m.pk])).status_code == 404
    r = c.get(reverse("members:list"))
    assert m.person.name not in r.content.decode() or m.member_no not in r.content.decode()


def test_roles_limit_what_can_be_done(login, register, apply):
    m = register("T0003")
    app = apply("T0003")
    viewer = login("east_viewer")
    assert viewer.get(reverse("members:detail", args=[m.pk])).status_code == 200
    assert viewer.post(reverse("members:application_approve", args=[app.pk])).status_code == 403
    assert viewer.post(reverse("members:reveal", args=[m.pk])).status_code == 403
    assert viewer.get(reverse("members:export")).status_code == 403
    clerk = login("east_clerk")
    assert (
        clerk.post(reverse("members:application_approve", args=[app.pk])).status_code == 403
    )  # clerks register, reviewers approve


def test_paper_application_review_and_card_flow(login, tree):
    number = new_id()
    c = login("east_admin")
    data = {**person(id_number=number, name="赵六"), "org": "T0003", "signed": "on", "is_migrant": ""}
    r = c.post(reverse("members:application_new"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get(name="赵六")
    assert app.form_no == "T0003-000001" and app.channel == "paper"
    pdf = c.get(reverse("members:application_pdf", args=[app.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action="pii.reveal", changes__purpose="print"
    ).exists()  # full ID printed → audited
    r = c.post(reverse("members:application_approve", args=[app.pk]))
    m = Membership.objects.get(person__name="赵六")
    assert r.status_code == 302 and r["Location"] == reverse("members:detail", args=[m.pk])
    page = c.get(r["Location"]).content.decode()
    assert m.member_no in page and app.form_no in page and number not in page and m.person.id_masked in page
    r = c.post(reverse("members:card_issue"), {"org": "T0003", "issued_on": "2026-01-10"})
    assert r.status_code == 302
    card = Card.objects.get(membership=m)
    sheet = c.get(reverse("members:card_batch_pdf", args=[card.batch_id]))
    assert sheet.content.startswith(b"%PDF")


def test_paper_application_for_an_existing_member_offers_a_transfer(login, register):
    number = new_id()
    register("T0006", id_number=number)
    c = login("east_admin")
    r = c.post(
        reverse("members:application_new"), {**person(id_number=number), "org": "T0003", "signed": "on"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "西**工会" in html and "改为发起接转" in html


def test_check_id_partial(login, register):
    number = new_id()
    register("T0003", id_number=number)
    c = login("east_clerk")
    bad = c.post(
        reverse("members:check_id"),
        {"id_number": number[:-1] + ("0" if number[-1] != "0" else "1")},
        HTTP_HX_REQUEST="true",
    )
    assert "校验位" in bad.content.decode()
    dup = c.post(reverse("members:check_id"), {"id_number": number}, HTTP_HX_REQUEST="true")
    assert "东镇甲公司工会" in dup.content.decode()
    ok = c.post(reverse("members:check_id"), {"id_number": new_id(male=False)}, HTTP_HX_REQUEST="true")
    assert "号码有效" in ok.content.decode() and "女" in ok.content.decode()


def test_review_reject_and_return(login, apply):
    app = apply("T0003")
    c = login("east_reviewer")
    c.post(reverse("members:application_return", args=[app.pk]), {"reason": "请核对手机号"})
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.RETURNED
    app2 = apply("T0003")
    r = c.post(reverse("members:application_reject", args=[app2.pk]), {"reason": ""}, follow=True)
    assert "请填写原因" in r.content.decode()
    c.post(reverse("members:application_reject", args=[app2.pk]), {"reason": "非本单位职工"})
    assert Application.objects.get(pk=app2.pk).status == ApplicationStatus.REJECTED


def test_search_by_id_number_and_phone_through_the_blind_index(login, register):
    number = new_id()
    m = register("T0003", id_number=number, phone="13512340000", name="钱七")
    register("T0003", name="孙八")
    c = login("east_viewer")
    by_id = c.get(reverse("members:list"), HTTP_X_IDP=number.lower(), HTTP_HX_REQUEST="true").content.decode()
    assert "钱七" in by_id and "孙八" not in by_id
    by_phone = c.get(
        reverse("members:list"), HTTP_X_IDP="135-1234-0000", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "钱七" in by_phone and "孙八" not in by_phone
    # an ID number in the URL is ignored: it must not travel in URLs or logs
    by_get = c.get(reverse("members:list"), {"idp": number}).content.decode()
    assert "孙八" in by_get
    nothing = c.get(reverse("members:list"), HTTP_X_IDP="not a number").content.decode()
    assert "钱七" not in nothing and "孙八" not in nothing
    by_name = c.get(reverse("members:list"), {"q": "孙"}).content.decode()
    assert "孙八" in by_name and "钱七" not in by_name
    assert number not in by_id and m.person.id_masked in by_id


def test_search_filters(login, register):
    register("T0003", name="甲一", hukou_type="agri", new_employment_group="courier", employer_name="快递站")
    register("T0004", name="乙二", hukou_type="nonagri")
    c = login("east_viewer")

    def names(**params):
        html = c.get(reverse("members:list"), params).content.decode()
        return {n for n in ("甲一", "乙二") if n in html}

    assert names(migrant="1") == {"甲一"} and names(migrant="0") == {"乙二"}
    assert names(group="any") == {"甲一"} and names(group="courier") == {"甲一"}
    assert names(employer="快递") == {"甲一"} and names(org="T0004") == {"乙二"}
    assert names(status="left") == set()


def test_reveal_partial_is_audited(login, register):
    number = new_id()
    m = register("T0003", id_number=number)
    c = login("east_clerk")
    assert number not in c.get(reverse("members:detail", args=[m.pk])).content.decode()
    r = c.post(reverse("members:reveal", args=[m.pk]), HTTP_HX_REQUEST="true")
    assert number in r.content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal", username="east_clerk").count() == 1


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_export_is_masked_by_default_and_full_only_with_the_right(login, register):
    number = new_id()
    register("T0003", id_number=number, phone="13600000000")
    c = login("east_admin")
    text = _xlsx_text(c.get(reverse("members:export")).getvalue())
    assert (
        number[:4] + "**********" + number[-4:] in text and number not in text and "13600000000" not in text
    )
    full = _xlsx_text(c.get(reverse("members:export"), {"reveal": "1"}).getvalue())
    assert number in full
    assert AuditEntry.objects.filter(action="pii.reveal", changes__purpose="export").count() == 1
    reviewer = login("east_reviewer")  # may export, may not reveal
    assert reviewer.get(reverse("members:export"), {"reveal": "1"}).status_code == 403
    assert reviewer.get(reverse("members:export")).status_code == 200


def test_status_change_pages(login, register):
    m = register("T0003")
    c = login("east_clerk")
    r = c.post(
        reverse("members:status", args=[m.pk, "retain"]),
        {"on": dt.date.today().isoformat(), "reason": "retired", "note": ""},
    )
    assert r.status_code == 302
    assert Membership.objects.get(pk=m.pk).status == "retained"
    assert c.get(reverse("members:status", args=[m.pk, "nonsense"])).status_code == 404


def test_transfer_pages_both_sides(login, register, tree):
    m = register("T0003")
    east = login("east_admin")
    r = east.post(
        reverse("members:transfer_out", args=[m.pk]),
        {"to_org": "T0006", "new_employer_name": "丁公司", "note": ""},
    )
    assert r.status_code == 302
    t = Transfer.objects.get()
    # the starting side cannot accept its own transfer
    assert east.post(reverse("members:transfer_accept", args=[t.pk])).status_code == 404
    west = login("west_admin")
    listing = west.get(reverse("members:transfers")).content.decode()
    assert "东镇甲公司工会" in listing and "确认转入" in listing  # named in full (issue 18)
    west.post(reverse("members:transfer_accept", args=[t.pk]), {"note": ""})
    assert Transfer.objects.get().status == TransferStatus.ACCEPTED
    new = Membership.objects.get(person=m.person, status="active")
    assert new.org.code == "T0006"
    page = west.get(reverse("members:detail", args=[new.pk])).content.decode()
    assert "转入" in page and "东镇甲公司工会" in page


def test_transfer_in_page_by_id_number(login, register):
    number = new_id()
    m = register("T0006", id_number=number)
    c = login("east_admin")
    r = c.post(
        reverse("members:transfer_in"), {"id_number": number, "to_org": "T0003", "note": "已入职甲公司"}
    )
    assert r.status_code == 302
    t = Transfer.objects.get()
    assert t.initiated_by == "to" and t.from_membership_id == m.pk
    west = login("west_admin")
    west.post(reverse("members:transfer_accept", args=[t.pk]))
    assert Transfer.objects.get().status == TransferStatus.ACCEPTED
    c = login("east_admin")  # the client is shared: log back in
    r = c.post(reverse("members:transfer_in"), {"id_number": new_id(), "to_org": "T0003"})
    assert "没有找到" in r.content.decode()


def test_join_codes_qr_and_poster(login):
    c = login("east_viewer")
    page = c.get(reverse("members:qr_codes")).content.decode()
    assert "/join/T0003/" in page and "/join/T0001/" in page
    png = c.get(reverse("members:qr_png", args=["T0003"]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    poster = c.get(reverse("members:qr_poster", args=["T0003"]))
    assert poster.content.startswith(b"%PDF")
    assert c.get(reverse("members:qr_png", args=["T0006"])).status_code == 404


def test_nav_links(login):
    html = login("east_clerk").get(reverse("members:list")).content.decode()
    for label in ("会员", "入会审核", "会员证", "接转"):
        assert re.search(rf">{label}</a>", html)


def test_cards_page_lists_members_without_a_card(login, register):
    a = register("T0003", name="有证")
    register("T0003", name="无证")
    cards.card_batch_issue(user=None, org=a.org, membership_ids=[a.pk])
    html = login("east_clerk").get(reverse("members:cards")).content.decode()
    assert "无证" in html and "有证" not in html.split("最近发证批次")[0]


def test_application_edit_page_resubmits(login, apply):
    app = apply("T0003")
    actions.application_return(user=None, application=app, reason="姓名错字")
    c = login("east_clerk")
    r = c.post(
        reverse("members:application_edit", args=[app.pk]),
        {"name": "改正名", "id_number": "", "phone": "", "is_migrant": "1"},
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PENDING and app.name == "改正名" and app.is_migrant
