"""Reminders by SMS for the accounts that opted in (NotificationPreference), through the members'
SMS backend (`GONGHUI_SMS_BACKEND`): one message per account and run, naming the count and the
first new note; each note is sent once (`sms_sent_at`). The phone is kept encrypted and shown
masked; it is decrypted only to hand it to the backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import ids, pii
from gonghui.core.audit import audit_record
from gonghui.elections.models import Notification, NotificationPreference

PHONE_CONTEXT = "notification_phone"
MAX_AGE_DAYS = 3  # notes older than this when the account opts in are not sent again


def send_pending(now: dt.datetime | None = None) -> int:
    """Send the unsent notes of opted-in accounts. Returns messages sent."""
    from gonghui.members.sms import backend

    now = now or timezone.now()
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(sms=True).select_related("user")}
    if not prefs:
        return 0
    pending: dict[int, list[Notification]] = {}
    for n in Notification.objects.filter(
        recipient__in=list(prefs), sms_sent_at__isnull=True, read_at__isnull=True,
        created_at__gte=now - dt.timedelta(days=MAX_AGE_DAYS), recipient__is_active=True,
    ).order_by("created_at", "id"):  # fmt: skip
        pending.setdefault(n.recipient_id, []).append(n)
    sender = backend()
    sent = 0
    for user_id, notes in pending.items():
        phone = phone_of(prefs[user_id])
        if not phone:
            continue
        text = (
            notes[0].message
            if len(notes) == 1
            else _("您有 %(n)d 条新提醒，其一：%(m)s") % {"n": len(notes), "m": notes[0].message}
        )
        sender.send(phone, _("【工会提醒】") + text[:180])
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(sms_sent_at=now)
        sent += 1
    return sent


def phone_of(pref: NotificationPreference) -> str:
    """The phone given for reminders, else the account's own phone (accounts app), or ""."""
    if pref.phone_cipher:
        return pii.decrypt(pref.phone_cipher, context=PHONE_CONTEXT)
    own = getattr(pref.user, "phone_cipher", "")
    return pii.decrypt(own, context="user.phone") if own else ""


@transaction.atomic
def preference_set(*, user: Any, sms: bool, phone: str = "") -> NotificationPreference:
    """Opt in (with a phone) or out of SMS reminders, for the account itself."""
    from gonghui.core.errors import ApplicationError

    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    phone = (phone or "").strip()
    if phone:
        try:
            phone = ids.normalize_phone(phone)
        except ids.PhoneError:
            raise ApplicationError(
                _("手机号格式不正确。"), code="invalid_phone", details={"field": "phone"}
            ) from None
        pref.phone_cipher = pii.encrypt(phone, context=PHONE_CONTEXT)
        pref.phone_index = pii.blind_index(phone, context="phone")
        pref.phone_masked = ids.mask_phone(phone)
    if sms and not (pref.phone_cipher or getattr(user, "phone_cipher", "")):
        raise ApplicationError(
            _("开通短信提醒须填写手机号。"), code="invalid_phone", details={"field": "phone"}
        )
    pref.sms = sms
    pref.save()
    audit_record(user=user, action="notification.preference", obj=pref, org_path=user.org.path if user.org else "",
                 changes={"sms": sms, "phone": pref.phone_masked})  # fmt: skip
    return pref
