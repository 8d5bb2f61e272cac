"""会员关系接转: membership follows the job; one side starts, the other answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members import roll
from gonghui.members.actions.common import (
    audit_user,
    count_out,
    event_create,
    membership_open,
)
from gonghui.members.codes import EventType, Reason
from gonghui.members.identity import (
    check_base_org,
    check_date,
    id_index,
    parse_id,
)
from gonghui.members.models import (
    CURRENT_STATUSES,
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    Card,
    CardStatus,
    Channel,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferSide,
    TransferStatus,
)  # fmt: skip
from gonghui.members.selectors import current_membership, has_valid_card
from gonghui.orgs.models import Employer, Org


@transaction.atomic
def transfer_start(
    *, user: Any, membership: Membership, to_org: Org, side: str, reason: str = Reason.JOB_CHANGE,
    new_employer: Employer | None = None, new_employer_name: str = "", note: str = "", application: Application | None = None,
) -> Transfer:  # fmt: skip
    """Start a transfer (会员关系接转: membership follows the job). Either union may start it —
    the sending one (`side="from"`) or the receiving one the worker went to (`side="to"`); the
    other side answers (accepts or rejects), so neither side's records change unseen. If the new
    employer has no union, the receiving union is the area's joint or new-employment union."""
    m = (
        Membership.objects.select_for_update()
        .select_related("org", "person")
        .get(pk=membership.pk, person_id=membership.person_id)  # person_id: one shard on Citus
    )
    if side not in (TransferSide.FROM, TransferSide.TO):
        raise ApplicationError(_("未知的发起方。"), code="side")
    if m.status not in CURRENT_STATUSES:
        raise ApplicationError(_("该会籍已终止，不能办理接转。"), code="membership_state")
    check_base_org(to_org)
    if to_org.pk == m.org_id:
        raise ApplicationError(_("转入工会与现所在工会相同。"), code="same_org", details={"field": "to_org"})
    if reason not in (Reason.JOB_CHANGE, Reason.OTHER):
        raise ApplicationError(_("变化原因不适用于接转。"), code="reason", details={"field": "reason"})
    if Transfer.objects.filter(from_membership=m, status=TransferStatus.PENDING).exists():
        raise ConflictError(_("该会员已有一项待确认的接转。"), code="transfer_pending")
    if new_employer is not None:
        new_employer_name = new_employer.name
    t = Transfer(
        person=m.person, from_membership=m, from_org=m.org, from_path=m.org_path, to_org=to_org, to_path=to_org.path,
        initiated_by=side, reason=reason, new_employer=new_employer, new_employer_name=(new_employer_name or "")[:120],
        note=(note or "")[:200], application=application, started_by=audit_user(user),
    )  # fmt: skip
    try:
        with transaction.atomic():
            t.save()
    except IntegrityError:
        raise ConflictError(_("该会员已有一项待确认的接转。"), code="transfer_pending") from None
    for path in {t.from_path, t.to_path}:
        audit_record(user=audit_user(user), action="transfer.start", obj=t, org_path=path, object_repr=f"{m.person.name} {m.org.name} → {to_org.name}",
                     changes={"from": m.org.code, "to": to_org.code, "side": side})  # fmt: skip
    return t


def _transfer_for_answer(transfer: Transfer) -> Transfer:
    t = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("person", "from_org", "to_org", "application")
        .get(pk=transfer.pk, person_id=transfer.person_id)  # person_id: one shard on Citus
    )
    if t.status != TransferStatus.PENDING:
        raise ApplicationError(
            _("该接转已处理（%(s)s）。") % {"s": t.get_status_display()}, code="transfer_state"
        )
    return t


def membership_transfer_out(
    *, user: Any, membership: Membership, person: Person, on: dt.date, reason: str, from_org: Org, to_org: Org, note: str = "",
) -> None:  # fmt: skip
    """The sending side of a transfer: the (locked) membership ends as 转出, counted out."""
    count_out(membership, person, has_card=has_valid_card(membership.person_id))
    membership.status = MembershipStatus.TRANSFERRED
    membership.ended_on = max(on, membership.joined_on)
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    roll.remove([membership])
    # the card carries the old union and the old 会员编号: it ends here; the new union reissues one
    Card.objects.filter(person_id=person.pk, status=CardStatus.VALID).update(
        status=CardStatus.REVOKED, revoked_on=membership.ended_on
    )
    event_create(membership=membership, type=EventType.TRANSFER_OUT, reason=reason, on=membership.ended_on, user=user,
           from_org=from_org, to_org=to_org, note=note)  # fmt: skip


@transaction.atomic
def transfer_accept(
    *, user: Any, transfer: Transfer, on: dt.date | None = None, note: str = ""
) -> Membership:
    """The answering side accepts: the old membership ends as 转出 on the sending side, a new one
    opens with the receiving union's next 会员编号 as 转入; both histories keep the other side."""
    t = _transfer_for_answer(transfer)
    on = check_date(on or timezone.localdate(), "on")
    old = Membership.objects.select_for_update().get(pk=t.from_membership_id, person_id=t.person_id)
    if old.status not in CURRENT_STATUSES:
        raise ApplicationError(_("转出方会籍已终止，接转无法完成。"), code="membership_state")
    check_base_org(t.to_org)
    membership_transfer_out(
        user=user,
        membership=old,
        person=t.person,
        on=on,
        reason=t.reason,
        from_org=t.from_org,
        to_org=t.to_org,
        note=note,
    )
    assert old.ended_on is not None  # just set by _membership_transfer_out
    form_no = cast(Application, t.application).form_no if t.application_id else old.form_no
    new = membership_open(user=user, person=t.person, org=t.to_org, joined_on=old.ended_on, channel=Channel.TRANSFER,
                           form_no=form_no, event_type=EventType.TRANSFER_IN, reason=t.reason, from_org=t.from_org, note=note)  # fmt: skip
    if t.new_employer_id or t.new_employer_name:
        employer = {"employer_id": t.new_employer_id, "employer_name": t.new_employer_name}
        Person.objects.filter(pk=t.person_id).update(**employer, updated_at=timezone.now())
        flags = daycount.person_flags(t.person)
        daycount.persons_changed({t.person_id: (flags, daycount.person_flags(t.person, **employer))})
    t.status = TransferStatus.ACCEPTED
    t.to_membership = new
    t.decided_by = audit_user(user)
    t.decided_at = timezone.now()
    t.decision_note = (note or "")[:200]
    t.save(update_fields=["status", "to_membership", "decided_by", "decided_at", "decision_note"])
    if t.application_id and cast(Application, t.application).status in OPEN_APPLICATION_STATUSES:
        Application.objects.filter(pk=t.application_id).update(
            status=ApplicationStatus.APPROVED, membership=new, reviewed_by=audit_user(user), reviewed_at=timezone.now(),
            reason=_("经会员关系接转转入"), updated_at=timezone.now(),
        )  # fmt: skip
    for path in {t.from_path, t.to_path}:
        audit_record(user=audit_user(user), action="transfer.accept", obj=t, org_path=path,
                     changes={"from": old.member_no, "to": new.member_no})  # fmt: skip
    return new


def _transfer_close(*, user: Any, transfer: Transfer, status: str, note: str, action: str) -> Transfer:
    t = _transfer_for_answer(transfer)
    t.status = status
    t.decided_by = audit_user(user)
    t.decided_at = timezone.now()
    t.decision_note = (note or "")[:200]
    t.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    for path in {t.from_path, t.to_path}:
        audit_record(
            user=audit_user(user), action=action, obj=t, org_path=path, changes={"note": t.decision_note}
        )
    return t


@transaction.atomic
def transfer_reject(*, user: Any, transfer: Transfer, note: str) -> Transfer:
    """The answering side declines, with a reason both sides see."""
    if not (note or "").strip():
        raise ApplicationError(_("请填写拒绝原因。"), code="reason_required", details={"field": "note"})
    return _transfer_close(
        user=user, transfer=transfer, status=TransferStatus.REJECTED, note=note, action="transfer.reject"
    )


@transaction.atomic
def transfer_cancel(*, user: Any, transfer: Transfer, note: str = "") -> Transfer:
    """The starting side withdraws a transfer that is still pending."""
    return _transfer_close(
        user=user, transfer=transfer, status=TransferStatus.CANCELLED, note=note, action="transfer.cancel"
    )


@transaction.atomic
def transfer_start_by_id_number(
    *, user: Any, to_org: Org, id_number: str, new_employer: Employer | None = None, new_employer_name: str = "",
    note: str = "", application: Application | None = None,
) -> Transfer:  # fmt: skip
    """The receiving union starts a transfer for a worker who came to it with a current membership
    elsewhere, found by the ID number the worker showed. It is a request the sending union answers,
    never a direct write (issue 12); what the caller learns of a person outside its scope is masked
    by the selectors that show the transfer (`selectors.transfer_shown`)."""
    info = parse_id(id_number)
    current = current_membership(id_index(info.number))
    if current is None:
        raise ApplicationError(
            _("没有找到该身份证号的有效会籍，请直接办理入会申请。"),
            code="not_member",
            details={"field": "id_number"},
        )
    return transfer_start(
        user=user, membership=current, to_org=to_org, side=TransferSide.TO, new_employer=new_employer,
        new_employer_name=new_employer_name, note=note, application=application,
    )  # fmt: skip


TRANSFER_VERBS = ("accept", "reject", "cancel")


def transfer_answer(*, user: Any, transfer: Transfer, verb: str, note: str = "") -> Transfer:
    """Answer a pending transfer: the side that did not start it accepts or rejects, the side that
    started it may cancel (the caller gates the side with `scope.get_transfer_to_answer`)."""
    if verb == "accept":
        transfer_accept(user=user, transfer=transfer, note=note)
    elif verb == "reject":
        transfer_reject(user=user, transfer=transfer, note=note)
    elif verb == "cancel":
        transfer_cancel(user=user, transfer=transfer, note=note)
    else:
        raise ApplicationError(_("未知的接转操作。"), code="verb")
    return Transfer.objects.select_related("person", "from_org", "to_org").get(pk=transfer.pk)
