"""Membership cards (发证关, seed 004: every member gets a card bearing the federation's seal).

Writes: `card_batch_issue`, `card_revoke` — atomic and audited like every action. A person holds at
most one valid card (partial unique index); a card number is the member number plus the issue
count, so a replacement card never reuses a number.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import citus
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.models import Card, CardBatch, CardStatus, Membership, MembershipStatus, RollEntry
from gonghui.orgs.models import Org
from gonghui.reports import counters

MAX_BATCH = 5000
CHUNK = 2000  # roll rows read at a time for a batch's members


def card_token() -> str:
    return secrets.token_urlsafe(16)


def without_card(qs: Any) -> Any:
    """Memberships of `qs` whose person holds no valid card."""
    return qs.exclude(person__cards__status=CardStatus.VALID)


def _candidates(org: Org, membership_ids: list[int] | None) -> list[tuple[int, int]]:
    """(membership id, person id) of the union's active members without a valid card, in 会员编号
    order, at most MAX_BATCH + 1: the union's roll read in order (members/roll.py: one shard on
    Citus), a chunk at a time, each chunk's memberships read by both ids (their primary key; on
    Citus the shard of the persons the union registered) and kept when still the union's."""
    entries = RollEntry.objects.filter(org_id=org.pk).order_by("member_no", "membership_id")
    if membership_ids is not None:
        entries = entries.filter(membership_id__in=membership_ids)
    keys: list[tuple[int, int]] = []
    last: tuple[str, int] = ("", 0)  # (会员编号, membership id): the roll's order, whatever the numbers
    while len(keys) <= MAX_BATCH:
        after = Q(member_no__gt=last[0]) | Q(member_no=last[0], membership_id__gt=last[1])
        chunk = list(entries.filter(after).values_list("membership_id", "person_id", "member_no")[:CHUNK])
        if not chunk:
            break
        last = (chunk[-1][2], chunk[-1][0])
        rows = without_card(Membership.objects.filter(
            pk__in=[m for m, _p, _n in chunk], person_id__in={p for _m, p, _n in chunk}, status=MembershipStatus.ACTIVE
        ))  # fmt: skip
        found = {pk for pk, org_id in rows.values_list("pk", "org_id") if org_id == org.pk}
        keys += [(m, p) for m, p, _n in chunk if m in found]
    return keys[: MAX_BATCH + 1]


@transaction.atomic
def card_batch_issue(
    *, user: Any, org: Org, membership_ids: list[int] | None = None, issued_on: dt.date | None = None
) -> CardBatch:
    """Issue cards to the union's active members who have none (or to the chosen ones)."""
    if not org.is_base:
        raise ApplicationError(
            _("会员证由会员所在的基层工会发放。"), code="org_kind", details={"field": "org"}
        )
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ApplicationError(
            _("发证日期不能晚于今天。"), code="future_date", details={"field": "issued_on"}
        )
    qs = without_card(Membership.objects.filter(org=org, status=MembershipStatus.ACTIVE))
    keys = _candidates(org, membership_ids)
    if len(keys) > MAX_BATCH:
        raise ApplicationError(
            _("一批最多发放 %(n)d 张，请分批发放。") % {"n": MAX_BATCH}, code="batch_too_large"
        )
    # each member and person locked by (id, person_id): one shard each on Citus (docs/decisions.md)
    members = citus.lock_each(qs.select_related("person"), keys)
    if not members:
        raise ApplicationError(_("没有需要发证的会员：所选会员都已持有有效会员证。"), code="nothing_to_issue")
    issued_before = dict(
        Card.objects.filter(person_id__in=[m.person_id for m in members])
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    batch = CardBatch.objects.create(
        org=org,
        org_path=org.path,
        issued_on=issued_on,
        issued_by=user if getattr(user, "is_authenticated", False) else None,
        size=len(members),
    )
    cards = [
        Card(person_id=m.person_id, membership=m, batch=batch, card_no=f"{m.member_no}-{issued_before.get(m.person_id, 0) + 1:02d}",
             issued_on=issued_on, check_token=card_token())
        for m in members
    ]  # fmt: skip
    try:
        with transaction.atomic():
            Card.objects.bulk_create(cards, batch_size=1000)
    except IntegrityError:
        raise ConflictError(_("部分会员刚刚已被发证，请刷新后重试。"), code="card_conflict") from None
    counters.on_card_changed(org.path, len(cards))
    audit_record(user=user, action="card.issue", obj=batch, org_path=org.path, object_repr=f"{org.name} {len(cards)}",
                 changes={"cards": len(cards), "issued_on": str(issued_on)})  # fmt: skip
    return batch


@transaction.atomic
def card_revoke(*, user: Any, card: Card, reason: str) -> Card:
    """Revoke a card (lost, damaged, membership ended); a new one may then be issued."""
    if not (reason or "").strip():
        raise ApplicationError(_("请填写作废原因。"), code="reason_required", details={"field": "reason"})
    c = Card.objects.select_for_update().select_related("batch").get(pk=card.pk, person_id=card.person_id)
    if c.status != CardStatus.VALID:
        raise ApplicationError(_("该会员证已作废。"), code="card_state")
    c.status = CardStatus.REVOKED
    c.revoked_on = timezone.localdate()
    c.save(update_fields=["status", "revoked_on"])
    active = Membership.objects.filter(person_id=c.person_id, status=MembershipStatus.ACTIVE).first()
    if active is not None:
        counters.on_card_changed(active.org_path, -1)
    audit_record(
        user=user,
        action="card.revoke",
        obj=c,
        org_path=c.batch.org_path,
        object_repr=c.card_no,
        changes={"reason": reason[:200]},
    )
    return c


@transaction.atomic
def card_batch_print_record(*, user: Any, batch: CardBatch) -> None:
    """Printing a batch's cards (发证关) is recorded: the sheet carries names and check codes."""
    audit_record(
        user=user, action="card.print", obj=batch, org_path=batch.org_path, changes={"cards": batch.size}
    )
