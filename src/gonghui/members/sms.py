"""Phone verification for 扫码入会, through a pluggable SMS backend.

Setting / environment variable ``GONGHUI_SMS_BACKEND`` (dotted path of a class with
``send(phone, message)``); default ``gonghui.members.sms.ConsoleBackend``, which writes the message
to the log with the phone masked — for development only: it lets anyone who reads the log see the
code. ``LocmemBackend`` keeps messages in memory for tests. A real gateway (阿里云短信, 腾讯云短信…)
is a class of a dozen lines with the same method.

Only a keyed hash (HMAC blind index) of phone + code is stored; a code lives 10 minutes and allows
5 attempts (settings ``GONGHUI_SMS_CODE_MINUTES``, ``GONGHUI_SMS_MAX_ATTEMPTS``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gonghui.core import ids, pii
from gonghui.core.errors import ApplicationError
from gonghui.members.models import PhoneVerification

logger = logging.getLogger("gonghui.sms")

DEFAULT_BACKEND = "gonghui.members.sms.ConsoleBackend"


class ConsoleBackend:
    """Development: the message goes to the log, the phone masked."""

    def send(self, phone: str, message: str) -> None:
        logger.warning("SMS to %s: %s", ids.mask_phone(phone), message)


class LocmemBackend:
    """Tests: messages are kept in `outbox` as (phone, message)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        type(self).outbox.append((phone, message))


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, None) or default  # settings.py reads the environment


def backend() -> Any:
    return import_string(_setting("GONGHUI_SMS_BACKEND", DEFAULT_BACKEND))()


def _digest(phone: str, code: str) -> str:
    return pii.blind_index(f"{phone}:{code}", context="sms_code")


@transaction.atomic
def phone_verification_start(*, phone: str) -> PhoneVerification:
    """Send a 6-digit code to `phone` (already normalised). One code a minute per phone."""
    index = pii.blind_index(phone, context="phone")
    now = timezone.now()
    recent = PhoneVerification.objects.filter(
        phone_index=index, created_at__gte=now - dt.timedelta(seconds=60)
    ).exists()
    if recent:
        raise ApplicationError(
            _("验证码已发送，请一分钟后再试。"), code="sms_too_soon", details={"field": "phone"}, status=429
        )
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = int(_setting("GONGHUI_SMS_CODE_MINUTES", 10))
    row = PhoneVerification.objects.create(
        phone_index=index, code_digest=_digest(phone, code), expires_at=now + dt.timedelta(minutes=minutes)
    )
    transaction.on_commit(
        lambda: backend().send(
            phone,
            _("【工会】您的入会验证码是 %(code)s，%(m)d 分钟内有效。如非本人操作请忽略。")
            % {"code": code, "m": minutes},
        )
    )
    return row


@transaction.atomic
def phone_verification_check(*, phone: str, code: str) -> bool:
    """True (and the code is used up) if `code` is the latest unexpired code sent to `phone`."""
    index = pii.blind_index(phone, context="phone")
    row = (
        PhoneVerification.objects.select_for_update()
        .filter(phone_index=index, verified_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        return False
    if row.attempts >= int(_setting("GONGHUI_SMS_MAX_ATTEMPTS", 5)):
        return False
    if secrets.compare_digest(row.code_digest, _digest(phone, (code or "").strip())):
        row.verified_at = timezone.now()
        row.save(update_fields=["verified_at"])
        return True
    row.attempts += 1
    row.save(update_fields=["attempts"])
    return False
