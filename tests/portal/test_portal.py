"""Sign-in, the signed e-card token, requests answered by the unions, my data."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.portal.conftest import PHONE, a_minute_later, last_code

pytestmark = pytest.mark.django_db


def test_signin_is_bound_to_a_known_phone_and_rate_limited(
    client: Any, member: Any, outbox: Any, settings: Any
) -> None:
    # an unknown phone: the same answer, no SMS
    resp = client.post("/me/login/", {"phone": "13700000001"})
    assert "如该手机号已登记" in resp.content.decode() and not outbox
    client.post("/me/login/", {"phone": PHONE})
    assert len(outbox) == 1
    bad = client.post(
        "/me/login/", {"phone": PHONE, "code": "000000" if last_code(outbox) != "000000" else "111111"}
    )
    assert bad.status_code == 200 and "验证码不正确" in bad.content.decode()
    assert client.get("/me/").status_code == 302
    # per phone: the sixth code within the hour is refused (default 5/hour)
    assert client.post("/me/login/", {"phone": PHONE}).status_code == 429  # one a minute
    settings.GONGHUI_PORTAL_SMS_PER_PHONE = (2, 3600)
    a_minute_later()
    assert client.post("/me/login/", {"phone": PHONE}).status_code == 200
    a_minute_later()
    resp = client.post("/me/login/", {"phone": PHONE})
    assert resp.status_code == 429 and len(outbox) == 2


def test_card_token_signature_and_expiry(member_client: Any, member: Any, settings: Any) -> None:
    from gonghui.portal import signing

    page = member_client.get("/me/card/").content.decode()
    assert member.member_no in page and "data:image/png;base64," in page
    token = signing.sign({"mid": member.pk, "n": "林*雨", "u": "东镇甲公司工会"})
    ok = member_client.get(f"/me/check/{token}/").content.decode()
    assert "有效" in ok and "林*雨" in ok and "林小雨" not in ok and member.member_no not in ok
    old = signing.sign({"mid": member.pk, "n": "林*雨", "u": "x"}, now=time.time() - 3600)
    assert "已过期" in member_client.get(f"/me/check/{old}/").content.decode()
    head, sig = token.split(".")
    forged = (
        signing._b64(json.dumps({"mid": member.pk, "n": "a", "u": "b", "v": 1, "exp": 9999999999}).encode())
        + "."
        + sig
    )
    assert signing.verify(forged)[1] == "bad_signature"
    assert signing.key_path().stat().st_mode & 0o077 == 0


def test_requests_go_to_the_union_queue(
    member_client: Any, member: Any, tree: dict[str, Any], client: Any
) -> None:
    from gonghui.members.models import Membership
    from gonghui.portal.models import MemberRequest

    # the new employer has no union: the joint union of the area where the member works
    assert "东镇联合工会" in member_client.get("/me/membership/?area=T0002").content.decode()
    assert "东镇联合工会" not in member_client.get("/me/membership/?area=T0005").content.decode()
    member_client.post("/me/membership/", {"kind": "retain", "reason": "retired"})
    r = MemberRequest.objects.get()
    assert r.org_path == member.org_path and r.status == "pending"
    # a union outside the member's union sees nothing of it
    from django.test import Client

    west = Client()
    west.force_login(tree["users"]["west_admin"])
    assert "林小雨" not in west.get("/portal/requests/").content.decode()
    assert west.post(f"/portal/requests/{r.pk}/answer/", {"verb": "accept"}).status_code == 404
    east = Client()
    east.force_login(tree["users"]["east_clerk"])
    assert "林小雨" in east.get("/portal/requests/").content.decode()
    east.post(f"/portal/requests/{r.pk}/answer/", {"verb": "accept"})
    assert Membership.objects.get(pk=member.pk).status == "retained"
    assert "已办结" in member_client.get("/me/membership/").content.decode()
    # 金秋助学 with a photo from the phone: the union opens a hardship file with it as a document
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.care.models import HardshipFile

    photo = SimpleUploadedFile("admission.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, content_type="image/png")
    member_client.post("/me/services/", {"kind": "jinqiu", "household_size": "3", "household_income": "30000",
                                         "children_in_school": "1", "situation": "孩子考上大学", "photos": [photo]})  # fmt: skip
    r = MemberRequest.objects.get(kind="jinqiu")
    assert r.photos.count() == 1
    east.post(f"/portal/requests/{r.pk}/answer/", {"verb": "accept"})
    f = HardshipFile.objects.get(person=member.person)
    assert f.children_in_school == 1 and f.documents.count() == 1


def test_a_transfer_request_is_taken_up_by_the_receiving_union(
    member_client: Any, member: Any, tree: dict[str, Any], client: Any
) -> None:
    """The receiving union accepts: the transfer starts from its side and the request is answered,
    in one transaction (on Citus: the request, a coordinator table, written after the register's reads)."""
    from django.test import Client

    from gonghui.members.models import Transfer
    from gonghui.portal.models import MemberRequest

    member_client.post("/me/membership/", {"kind": "transfer", "to_org": "T0006"})
    r = MemberRequest.objects.get(kind="transfer")
    west = Client()
    west.force_login(tree["users"]["west_admin"])
    assert "林小雨" in west.get("/portal/requests/").content.decode()
    assert west.post(f"/portal/requests/{r.pk}/answer/", {"verb": "accept"}).status_code == 302
    t = Transfer.objects.get()
    assert t.to_org.code == "T0006" and t.status == "pending" and t.from_membership_id == member.pk
    r.refresh_from_db()
    assert r.status == "accepted" and r.transfer_id == t.pk


def test_my_data_reveals_phone_change_consent(
    member_client: Any, member: Any, tree: dict[str, Any], outbox: Any
) -> None:
    from gonghui.members import actions
    from gonghui.members.models import Person

    actions.person_reveal_pii(user=tree["users"]["east_clerk"], membership=member, purpose="发放慰问")
    page = member_client.get("/me/data/").content.decode()
    assert "east_clerk" in page and "发放慰问" in page
    data = json.loads(member_client.get("/me/data.json").content)
    assert (
        data["reveals"][0]["by"] == "east_clerk" and data["memberships"][0]["member_no"] == member.member_no
    )
    assert member.person.id_masked in data["person"]["id_number"]
    pdf = member_client.get("/me/data.pdf")
    assert pdf.content.startswith(b"%PDF")
    member_client.post("/me/data/", {"what": "consent", "item": "sms_notices", "given": "1"})
    member_client.post("/me/data/", {"what": "consent", "item": "sms_notices", "given": "0"})
    consents = json.loads(member_client.get("/me/data.json").content)["consents"]
    assert any(c["item"] == "sms_notices" and c["withdrawn_at"] for c in consents)
    # the new phone is re-verified; the old one no longer signs in
    a_minute_later()
    member_client.post("/me/data/", {"what": "phone_code", "phone": "13600000002"})
    member_client.post(
        "/me/data/", {"what": "phone", "phone": "13600000002", "code": last_code(outbox, "13600000002")}
    )
    assert Person.objects.get(pk=member.person_id).phone_masked == "136****0002"
    assert member_client.get("/me/").status_code == 200  # this session follows the new phone
