"""Follow-ups of idle unions (督促整改): the upper union asks, by a date, and closes with the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import BASE_KINDS, Org
from gonghui.worklife.models_idle import IdleFollowUp, UnionLife

ERROR_CODES = ("required", "due_on", "not_grassroots", "already_closed", "future_date")


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _field_error(message: str, field: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, details={"field": field})


@transaction.atomic
def followup_create(*, user: Any, org: Org, note: str, due_on: dt.date) -> IdleFollowUp:
    """督促: what the idle union must do and by when (the gatekeeper has checked that `user` works
    for an upper union of `org`)."""
    if org.kind not in BASE_KINDS:
        raise ApplicationError(_("只能对基层工会督促整改。"), code="not_grassroots")
    note = (note or "").strip()
    if not note:
        raise _field_error(_("请填写督促事项。"), "note", "required")
    if due_on < timezone.localdate():
        raise _field_error(_("整改期限不能早于今天。"), "due_on", "due_on")
    life = UnionLife.objects.filter(org=org).first()
    f = IdleFollowUp.objects.create(org=org, org_path=org.path, note=note[:4000], due_on=due_on,
                                    score_then=life.score if life else 0, created_by=_user(user))  # fmt: skip
    audit_record(user=_user(user), action="worklife.idle_followup_create", obj=f, org_path=org.path,
                 changes={"due_on": due_on.isoformat()})  # fmt: skip
    return f


@transaction.atomic
def followup_close(
    *, user: Any, followup: IdleFollowUp, result: str, closed_on: dt.date | None = None
) -> IdleFollowUp:
    """办结: the union acted (or the township records why the follow-up ends)."""
    f = IdleFollowUp.objects.select_for_update().get(pk=followup.pk)
    if f.closed_on is not None:
        raise ApplicationError(_("该督促事项已办结。"), code="already_closed")
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise _field_error(_("办结日期不能晚于今天。"), "closed_on", "future_date")
    result = (result or "").strip()
    if not result:
        raise _field_error(_("请填写整改情况。"), "result", "required")
    f.closed_on, f.result, f.closed_by = closed_on, result[:4000], _user(user)
    f.save(update_fields=["closed_on", "result", "closed_by"])
    audit_record(user=_user(user), action="worklife.idle_followup_close", obj=f, org_path=f.org_path,
                 changes={"closed_on": closed_on.isoformat()})  # fmt: skip
    return f
