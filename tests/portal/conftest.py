"""Portal test helpers: the SMS outbox, a registered member with a phone, a signed-in member."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from gonghui.members import sms
from tests.members.conftest import new_id
from tests.portal import gatekeeper  # noqa: F401  (registers the portal's routes for the sweep)

PHONE = "13912345678"


@pytest.fixture
def outbox(settings: Any, monkeypatch: Any) -> Iterator[list[tuple[str, str]]]:
    """SMS messages sent, at once (not at the commit the test's transaction never makes)."""
    from types import SimpleNamespace

    from django.db import transaction

    settings.GONGHUI_SMS_BACKEND = "gonghui.members.sms.LocmemBackend"
    monkeypatch.setattr(
        sms, "transaction", SimpleNamespace(atomic=transaction.atomic, on_commit=lambda f, **kw: f())
    )
    sms.LocmemBackend.outbox.clear()
    yield sms.LocmemBackend.outbox
    sms.LocmemBackend.outbox.clear()


def last_code(outbox: list[tuple[str, str]], phone: str = PHONE) -> str:
    msg = [m for p, m in outbox if p == phone][-1]
    return re.search(r"\d{6}", msg).group(0)  # type: ignore[union-attr]


def a_minute_later() -> None:
    """One code a minute per phone: forget the codes and the minute's counters, as a minute does."""
    from gonghui.accounts.models import RateCounter
    from gonghui.members.models import PhoneVerification

    PhoneVerification.objects.all().delete()
    RateCounter.objects.filter(key__startswith="portal_sms_minute").delete()


@pytest.fixture
def member(tree: dict[str, Any]) -> Any:
    """A member of 东镇甲公司工会 (T0003) with phone PHONE, through the register's actions."""
    from gonghui.members import actions

    app = actions.application_create(
        user=tree["users"]["east_admin"], org=tree["orgs"]["T0003"], channel="paper", name="林小雨",
        id_number=new_id(male=False), phone=PHONE, consent_version="2026-01", hukou_type="agri",
    )  # fmt: skip
    return actions.application_approve(user=tree["users"]["east_admin"], application=app)


@pytest.fixture
def member_client(client: Any, member: Any, outbox: Any) -> Any:
    """The Django test client signed in as the member (phone + SMS code)."""
    client.post("/me/login/", {"phone": PHONE})
    resp = client.post("/me/login/", {"phone": PHONE, "code": last_code(outbox)})
    assert resp.status_code == 302, resp.content[:400]
    return client


@pytest.fixture
def member_token(client: Any, member: Any, outbox: Any) -> dict[str, str]:
    a_minute_later()
    client.post("/api/v1/me/signin/code", {"phone": PHONE}, content_type="application/json")
    resp = client.post(
        "/api/v1/me/signin/token",
        {"phone": PHONE, "code": last_code(outbox)},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    return {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}
