"""One notification centre for every deadline gonghui knows (issue 14 item 6).

The notes are `elections.models.Notification` rows (the header's bell, the notifications page and
`/api/v1/notifications`); `run(today)` — the daily job (worklife/tasks.py) and `gonghui reminders`
— writes one note per account and deadline (the key of each note names the deadline, and
(recipient, key) is unique, so running twice, or every day, adds nothing), then sends the new
notes by SMS to the accounts that opted in (`sms.py`).

Deadlines: terms due or overdue and 筹建 unions past the founding election's period (elections),
collective contracts to submit or to renew or expired, a union whose workers' congress has not met
this year (from a month set in GONGHUI_CONGRESS_REMIND_MONTH), applications waiting for review
longer than GONGHUI_APPLICATION_REVIEW_DAYS, campaign units behind time (once a month per unit),
idle-union follow-ups past their date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone

from gonghui.worklife.reminders import deadlines, sms

DEFAULTS = {
    # applications waiting longer than this many days are reminded to the reviewers (no source
    # fixes the period; seed 003 asks for review "及时")
    "GONGHUI_APPLICATION_REVIEW_DAYS": 7,
    # from this month on, a union whose workers' congress has not met this year is reminded
    # (职代会 is held at least once a year: 企业民主管理规定 art. 12)
    "GONGHUI_CONGRESS_REMIND_MONTH": 9,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


SOURCES: list[tuple[str, Callable[[dt.date], int]]] = [
    ("terms", deadlines.terms),
    ("founding", deadlines.founding),
    ("contracts", deadlines.contracts),
    ("congress", deadlines.congress),
    ("applications", deadlines.applications),
    ("campaigns", deadlines.campaigns),
    ("followups", deadlines.followups),
]


def run(today: dt.date | None = None) -> dict[str, Any]:
    """Write the reminders due on `today` and send the new ones by SMS. Idempotent."""
    today = today or timezone.localdate()
    out: dict[str, Any] = {}
    for name, fn in SOURCES:
        out[name] = fn(today)
    out["sms"] = sms.send_pending()
    return out
