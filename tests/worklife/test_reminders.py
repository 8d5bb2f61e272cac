"""Reminders: one note per account and deadline, however often the daily job runs; SMS once, only to
the accounts that opted in; the notifications API keeps its shape and shows the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gonghui.elections.models import Notification, NotificationPreference
from gonghui.members.sms import LocmemBackend
from gonghui.worklife import reminders, tasks
from gonghui.worklife.models import CollectiveContract, ContractEmployer, ContractStatus
from gonghui.worklife.models_idle import IdleFollowUp
from gonghui.worklife.reminders import sms

pytestmark = pytest.mark.django_db
OCT = dt.date(timezone.localdate().year, 10, 15)


@pytest.fixture
def deadlines(tree: dict[str, Any]) -> dict[str, Any]:
    from gonghui.members.models import Application

    o, e, u = tree["orgs"], tree["employers"], tree["users"]
    a = o["T0003"]
    a.term_number, a.term_start, a.term_end = 1, OCT - dt.timedelta(days=1990), OCT - dt.timedelta(days=165)
    a.save()
    d = o["T0006"]
    c = CollectiveContract.objects.create(
        org=d, org_path=d.path, province_code="53", title="丁公司集体合同", status=ContractStatus.EFFECTIVE,
        start_on=OCT - dt.timedelta(days=1000), end_on=OCT + dt.timedelta(days=30), signed_on=OCT - dt.timedelta(days=1000),
    )  # fmt: skip
    ContractEmployer.objects.create(contract=c, employer=e["丁公司"])
    app = Application.objects.create(
        channel="paper", org=a, org_path=a.path, province_code="53", form_no="F-1", public_token="t" * 32, name="张三",
        id_cipher="x", id_index="x", id_masked="5301**********0011", gender="1", birth_date=dt.date(1990, 1, 1),
        birthplace_code="530102", consent_at=timezone.now(), consent_version="v1",
    )  # fmt: skip
    Application.objects.filter(pk=app.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    IdleFollowUp.objects.create(org=a, org_path=a.path, note="请开展活动", due_on=OCT - dt.timedelta(days=1),
                                created_by=u["east_clerk"])  # fmt: skip
    return tree


def test_daily_job_once_per_deadline(deadlines: dict[str, Any], settings: Any) -> None:
    settings.GONGHUI_SMS_BACKEND = "gonghui.members.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    u = deadlines["users"]
    sms.preference_set(user=u["east_admin"], sms=True, phone="13800138000")
    pref = NotificationPreference.objects.get(user=u["east_admin"])
    assert pref.phone_masked == "138****8000" and "13800138000" not in pref.phone_cipher

    first = tasks.run_daily(OCT)
    notes = {(n.recipient.username, n.kind) for n in Notification.objects.select_related("recipient")}
    total = Notification.objects.count()
    # each kind reaches the union's own staff and its upper union's
    assert ("east_admin", "term_overdue") in notes
    assert ("west_admin", "contract_renewal") in notes
    assert ("a_clerk", "congress_missing") in notes and ("east_clerk", "congress_missing") in notes
    assert ("east_reviewer", "applications_waiting") in notes
    assert ("a_clerk", "idle_followup_overdue") in notes and ("east_clerk", "idle_followup_overdue") in notes
    assert ("county_admin", "term_overdue") not in notes  # two levels up: not its direct supervision
    renewal = Notification.objects.filter(kind="contract_renewal").first()
    assert renewal is not None and renewal.due_on == OCT + dt.timedelta(days=30)
    assert first["reminders"]["sms"] == 1 and len(LocmemBackend.outbox) == 1
    phone, text = LocmemBackend.outbox[0]
    assert phone == "13800138000" and text.startswith("【工会提醒】")

    again = tasks.run_daily(OCT)
    assert Notification.objects.count() == total  # idempotent: nothing new
    assert again["reminders"]["sms"] == 0 and len(LocmemBackend.outbox) == 1
    # a day later the same deadlines stay reminded once; a new deadline adds its own note
    reminders.run(OCT + dt.timedelta(days=1))
    assert Notification.objects.count() == total


def test_congress_reminder_waits_for_the_month(deadlines: dict[str, Any]) -> None:
    reminders.run(dt.date(OCT.year, 3, 1))
    assert not Notification.objects.filter(kind="congress_missing").exists()


def test_notifications_api_and_bell(deadlines: dict[str, Any], client: Any, api_token: Any) -> None:
    reminders.run(OCT)
    u = deadlines["users"]
    mine = Notification.objects.filter(recipient=u["east_admin"]).count()
    assert mine > 0
    r = client.get("/api/v1/notifications?unread=true", **api_token("east_admin"))
    assert r.status_code == 200 and r.json()["count"] == mine
    item = r.json()["items"][0]
    assert {"id", "kind", "message", "url", "org", "created_at", "read_at", "due_on"} <= set(item)
    r = client.get("/api/v1/notifications?kind=term_overdue", **api_token("east_admin"))
    assert {i["kind"] for i in r.json()["items"]} == {"term_overdue"}
    client.force_login(u["east_admin"])
    page = client.get("/elections/notifications/").content.decode()
    assert f'id="bell-count">{mine}<' in page
    r = client.post("/api/v1/notifications/read", {"ids": None}, content_type="application/json",
                    **api_token("east_admin"))  # fmt: skip
    assert r.json() == {"read": mine}
    assert 'id="bell-count"' not in client.get("/elections/notifications/").content.decode()
    # the SMS preference: opt in needs a phone; the phone comes back masked
    r = client.put("/api/v1/notifications/preference", {"sms": True}, content_type="application/json",
                   **api_token("west_admin"))  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "invalid_phone"
    r = client.put("/api/v1/notifications/preference", {"sms": True, "phone": "13900139000"},
                   content_type="application/json", **api_token("west_admin"))  # fmt: skip
    assert r.json() == {"sms": True, "phone": "139****9000"}
