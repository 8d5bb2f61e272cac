"""The public pages: 扫码入会 and the card check. No login; nothing beyond masked data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import resolve, reverse

from gonghui.members import cards, sms
from gonghui.members.models import Application, ApplicationStatus, Card, PhoneVerification
from tests.members.conftest import new_id

pytestmark = pytest.mark.django_db

PHONE = "13912340000"


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.GONGHUI_SMS_BACKEND = "gonghui.members.sms.LocmemBackend"
    sms.LocmemBackend.outbox.clear()
    yield sms.LocmemBackend.outbox
    sms.LocmemBackend.outbox.clear()


def _code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1][1]).group(0)


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST the SMS request; the message leaves on commit, so run the commit callbacks."""

    def _send(phone=PHONE, code="T0003"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("members:join_sms", args=[code]), {"phone": phone}, HTTP_HX_REQUEST="true"
            )

    return _send


def _join(client, code="T0003", **kw):
    data = {"name": "周九", "id_number": new_id(), "phone": PHONE, "hukou_type": "agri", "education": "70", "ethnicity": "07",
            "employment_status": "employed", "employer": "", "employer_name": "", "job": "操作工", "workplace": "东镇",
            "new_employment_group": "", "consent": "on"}  # fmt: skip
    data.update(kw)
    return client.post(reverse("members:join", args=[code]), data)


def test_public_views_are_marked_and_need_no_login(client, tree):
    for name, kwargs in (("members:join", {"code": "T0003"}), ("members:card_check", {"token": "x"})):
        url = reverse(name, kwargs=kwargs)
        assert getattr(resolve(url).func, "gonghui_public", False)
    page = client.get(reverse("members:join", args=["T0003"]))
    html = page.content.decode()
    assert page.status_code == 200 and "东镇甲公司工会" in html
    for words in ("收集哪些信息", "为什么收集", "谁能看到", "获取验证码", "我已阅读并同意"):
        assert words in html
    assert client.get(reverse("members:join", args=["NOPE"])).status_code == 404


def test_join_by_phone_end_to_end(client, tree, locmem_sms, send):
    r = send()
    assert "139****0000" in r.content.decode() and PHONE not in r.content.decode()
    assert locmem_sms[-1][0] == PHONE
    digest = PhoneVerification.objects.get().code_digest
    assert _code(locmem_sms) not in digest
    r = _join(client, sms_code=_code(locmem_sms))
    assert r.status_code == 302, re.findall(r'class="error[s]?">([^<]*)', r.content.decode())
    app = Application.objects.get()
    assert (
        app.channel == "qr"
        and app.phone_verified
        and app.consent_version == "2026-01"
        and app.submitted_by is None
    )
    assert app.ethnicity == "07" and app.is_migrant
    status = client.get(r["Location"]).content.decode()
    assert app.form_no in status and "待审核" in status
    # the code is used up
    r = _join(client, sms_code=_code(locmem_sms))
    assert r.status_code == 200 and "验证码" in r.content.decode()


def test_wrong_or_missing_code_and_missing_consent_are_refused(client, tree, locmem_sms, send):
    send()
    assert (
        "验证码不正确"
        in _join(client, sms_code="000000" if _code(locmem_sms) != "000000" else "111111").content.decode()
    )
    assert _join(client, sms_code="").status_code == 200
    r = _join(client, sms_code=_code(locmem_sms), consent="")
    assert r.status_code == 200 and not Application.objects.exists()


def test_sms_is_limited_to_one_a_minute(client, tree, locmem_sms, send):
    send()
    r = send()
    assert "一分钟" in r.content.decode() and len(locmem_sms) == 1


def _same(r) -> tuple:
    """What a visitor can compare between two responses: status, the headers that matter, and the
    body bytes with per-response secrets (CSRF tokens, CSP nonces, the applicant's own status-page
    token and form number) and the number the visitor typed taken out."""
    body = r.content
    body = re.sub(rb"[A-Za-z0-9]{64}", b"CSRF", body)
    body = re.sub(rb"nonce-[A-Za-z0-9+/=_-]+|nonce=\"[^\"]*\"", b"NONCE", body)
    body = re.sub(rb"\d{17}[\dX]", b"IDNUMBER", body)
    body = re.sub(rb"T0003-\d{6}", b"FORMNO", body)
    location = re.sub(r"/join/status/[^/]+/", "/join/status/TOKEN/", r.get("Location", ""))
    headers = {h: r.get(h) for h in ("Content-Type", "Cache-Control", "Content-Security-Policy", "Vary")}
    return r.status_code, location, headers, body


def test_public_answers_for_a_member_and_a_stranger_are_indistinguishable(client, register, locmem_sms, send):
    """issue 12 finding 4: no oracle. The member is one of this very union (the worst case: it used
    to give the full union name and member number); the stranger has the same birth date and gender."""
    from gonghui.members import actions

    born = dt.date(1990, 5, 6)
    member_id, stranger_id = new_id(born=born), new_id(born=born)
    register("T0003", id_number=member_id)
    url = reverse("members:join_check_id", args=["T0003"])
    for hx in ({}, {"HTTP_HX_REQUEST": "true"}):
        a = client.post(url, {"id_number": member_id}, **hx)
        b = client.post(url, {"id_number": stranger_id}, **hx)
        assert _same(a) == _same(b) and a.status_code == 200 and "身份证号有效" in a.content.decode()
    # the form before the phone is verified: a wrong code says the same for both
    send()
    wrong = "000000" if _code(locmem_sms) != "000000" else "111111"
    a = _join(client, id_number=member_id, sms_code=wrong)
    b = _join(client, id_number=stranger_id, sms_code=wrong)
    assert _same(a) == _same(b) and "验证码不正确" in a.content.decode()
    # verified: both are recorded as applications waiting for review, and say the same
    a = _join(client, id_number=member_id, sms_code=_code(locmem_sms))
    PhoneVerification.objects.all().delete()
    send()
    b = _join(client, id_number=stranger_id, sms_code=_code(locmem_sms))
    assert _same(a) == _same(b) and a.status_code == 302
    sa, sb = client.get(a["Location"]), client.get(b["Location"])
    assert _same(sa) == _same(sb) and "待审核" in sa.content.decode()
    # the reviewer meets the membership at approval and tells the applicant (the transfer way)
    app = Application.objects.get(id_masked__endswith=member_id[-4:], channel="qr")
    with pytest.raises(Exception) as e:
        actions.application_approve(user=None, application=app)
    assert getattr(e.value, "code", "") == "already_member"


def test_an_id_typo_does_not_use_the_sms_code_up(client, tree, locmem_sms, send):
    """issue 12 finding 8: the typed fields are checked before the code is."""
    send()
    code = _code(locmem_sms)
    good = new_id()
    typo = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
    r = _join(client, id_number=typo, sms_code=code)
    assert r.status_code == 200 and not Application.objects.exists()
    assert PhoneVerification.objects.get().verified_at is None
    r = _join(client, id_number=good, sms_code=code)
    assert r.status_code == 302 and Application.objects.filter(channel="qr").count() == 1
    # a wrong code still counts an attempt (kept, not rolled back)
    PhoneVerification.objects.all().delete()  # the one-a-minute limit
    send()
    _join(client, sms_code="000000" if _code(locmem_sms) != "000000" else "111111")
    assert PhoneVerification.objects.get().attempts == 1


def test_id_check_partial(client, tree):
    bad = client.post(
        reverse("members:join_check_id", args=["T0003"]), {"id_number": "5303261990"}
    ).content.decode()
    assert "18 位" in bad
    ok = client.post(
        reverse("members:join_check_id", args=["T0003"]), {"id_number": new_id(male=False)}
    ).content.decode()
    assert "身份证号有效" in ok and "女" in ok


def test_worker_without_a_union_chooses_by_area(client, tree):
    page = client.get(reverse("members:join", args=["T0001"])).content.decode()
    assert "东镇总工会" in page or "东镇" in page
    part = client.get(
        reverse("members:join", args=["T0001"]), {"area": "T0002"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "东镇联合工会" in part and reverse("members:join", args=["T0004"]) in part
    assert "东镇甲公司工会" not in part  # single-employer unions are not offered


def test_card_check_shows_only_a_masked_name_and_validity(client, register):
    m = register("T0003", name="欧阳小明")
    batch = cards.card_batch_issue(user=None, org=m.org)
    card = batch.cards.get()
    html = client.get(reverse("members:card_check", args=[card.check_token])).content.decode()
    assert "有效" in html and "欧***" in html and "欧阳小明" not in html and m.member_no not in html
    cards.card_revoke(user=None, card=card, reason="遗失")
    html = client.get(reverse("members:card_check", args=[card.check_token])).content.decode()
    assert "无效" in html and "已作废" in html
    r = client.get(reverse("members:card_check", args=["no-such-token"]))
    assert r.status_code == 404 and "无效" in r.content.decode()
    assert Card.objects.count() == 1


def test_public_pages_are_rate_limited(client, tree, settings):
    settings.GONGHUI_PUBLIC_RATE_LIMITS = {"card_check": (3, 60), "id_check": (2, 60)}
    codes = [client.get(reverse("members:card_check", args=["x"])).status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    for _ in range(2):
        client.post(reverse("members:join_check_id", args=["T0003"]), {"id_number": new_id()})
    r = client.post(reverse("members:join_check_id", args=["T0003"]), {"id_number": new_id()})
    assert "过于频繁" in r.content.decode()


def test_returned_application_can_be_submitted_again(client, tree, locmem_sms, send):
    from gonghui.members import actions

    number = new_id()
    send()
    _join(client, id_number=number, sms_code=_code(locmem_sms))
    app = Application.objects.get()
    actions.application_return(user=tree["users"]["east_reviewer"], application=app, reason="请填写工作单位")
    status = client.get(reverse("members:join_status", args=[app.public_token])).content.decode()
    assert "请填写工作单位" in status and "重新填写" in status
    PhoneVerification.objects.update(created_at="2000-01-01T00:00:00Z")  # a minute has passed
    send()
    r = _join(client, id_number=number, sms_code=_code(locmem_sms), employer_name="甲公司")
    assert r.status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {
        ApplicationStatus.REJECTED,
        ApplicationStatus.PENDING,
    }


def test_console_sms_backend_logs_the_phone_masked(caplog):
    with caplog.at_level("WARNING", logger="gonghui.sms"):
        sms.ConsoleBackend().send(PHONE, "验证码 123456")
    assert "139****0000" in caplog.text and PHONE not in caplog.text
