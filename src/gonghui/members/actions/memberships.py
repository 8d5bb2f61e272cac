"""A member's own data and status: reveal (audited), edit, 保留/恢复/退会/开除会籍."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core import access, ids, pii
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.members import codes, roll
from gonghui.members.actions.common import (
    audit_user,
    count_out,
    event_create,
    names_follow,
)
from gonghui.members.codes import EventType, Reason, Table
from gonghui.members.identity import (
    ID_CONTEXT,
    PHONE_CONTEXT,
    check_date,
    clean_name,
    clean_person_fields,
    employer_fields,
    parse_phone,
    phone_index,
)
from gonghui.members.models import (
    CURRENT_STATUSES,
    Application,
    Card,
    CardStatus,
    Expulsion,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)  # fmt: skip
from gonghui.members.selectors import has_valid_card
from gonghui.orgs.models import Employer, Org
from gonghui.reports import counters


@transaction.atomic
def person_reveal_pii(*, user: Any, membership: Membership, purpose: str = "view") -> dict[str, str]:
    """The full ID number and phone, for a user holding the reveal right in scope; audited."""
    access.require(user, Perm.REVEAL_PII, path=membership.org_path)
    person = membership.person
    out = {
        "id_number": pii.decrypt(person.id_cipher, context=ID_CONTEXT),
        "phone": pii.decrypt(person.phone_cipher, context=PHONE_CONTEXT) if person.phone_cipher else "",
    }
    audit_record(user=user, action="pii.reveal", obj=person, org_path=membership.org_path,
                 changes={"membership": membership.pk, "purpose": purpose, "id": person.id_masked})  # fmt: skip
    return out


@transaction.atomic
def application_reveal_pii(*, user: Any, application: Application, purpose: str = "view") -> dict[str, str]:
    access.require(user, Perm.REVEAL_PII, path=application.org_path)
    out = {
        "id_number": pii.decrypt(application.id_cipher, context=ID_CONTEXT),
        "phone": pii.decrypt(application.phone_cipher, context=PHONE_CONTEXT)
        if application.phone_cipher
        else "",
    }
    audit_record(user=user, action="pii.reveal", obj=application, org_path=application.org_path,
                 changes={"purpose": purpose, "id": application.id_masked})  # fmt: skip
    return out


@transaction.atomic
def person_update(
    *,
    user: Any,
    membership: Membership,
    name: str,
    phone: str = "",
    employer: Employer | None = None,
    **fields: Any,
) -> Person:
    """Edit a member's own data; 农民工 may be set by hand (it defaults from the hukou).
    An empty phone keeps the stored one."""
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    if person.name != clean_name(name):  # the copies on the memberships follow
        names_follow(person.pk, clean_name(name))
    before = SimpleNamespace(
        is_migrant=person.is_migrant, gender=person.gender, new_employment_group=person.new_employment_group
    )
    flags = daycount.person_flags(person)
    person.name = clean_name(name)
    if phone.strip():
        p = parse_phone(phone)
        person.phone_cipher, person.phone_index, person.phone_masked = (
            pii.encrypt(p, context=PHONE_CONTEXT),
            phone_index(p),
            ids.mask_phone(p),
        )
    cleaned = clean_person_fields(fields)
    for k, v in {**cleaned, **employer_fields(employer, cleaned["employer_name"])}.items():
        setattr(person, k, v)
    person.save()
    daycount.person_saving(person, flags)  # 农民工 or the real-name record may have changed
    active = Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE).first()
    if active is not None:
        counters.on_person_changed(active.org_path, before, person)
    audit_record(
        user=user,
        action="person.update",
        obj=person,
        org_path=membership.org_path,
        changes={"membership": membership.pk},
    )
    return person


# --------------------------------------------------------------------------- status changes

# change → (allowed from, new status, event type, built-in reasons; codes.reasons_for is the rule)
STATUS_CHANGES: dict[str, tuple[tuple[str, ...], str, str, tuple[str, ...]]] = {
    "retain": (
        (MembershipStatus.ACTIVE,),
        MembershipStatus.RETAINED,
        EventType.RETAIN,
        (Reason.RETIRED, Reason.UNEMPLOYED, Reason.OTHER),
    ),
    "restore": (
        (MembershipStatus.RETAINED,),
        MembershipStatus.ACTIVE,
        EventType.RESTORE,
        (Reason.REEMPLOYED, Reason.OTHER),
    ),
    "leave": (
        CURRENT_STATUSES,
        MembershipStatus.LEFT,
        EventType.LEAVE,
        (Reason.VOLUNTARY, Reason.LAPSED, Reason.OTHER),
    ),
    "expel": (CURRENT_STATUSES, MembershipStatus.EXPELLED, EventType.EXPEL, (Reason.CRIMINAL,)),
}


@transaction.atomic
def membership_change_status(
    *, user: Any, membership: Membership, change: str, on: dt.date, reason: str, note: str = "",
    decision_no: str = "", decided_on: dt.date | None = None, filed_on: dt.date | None = None,
) -> Membership:  # fmt: skip
    """Status changes of 中国工会章程（2008年文本）: 退会 (voluntary, or after six months without dues
    or activity, a reviewed decision; 第6条), 开除会籍 (serious crime with a criminal penalty,
    decided by the base committee and filed with the upper union; 第7条 — the decision's number and
    date are required, the filing date may follow with `membership_expulsion_file`), 保留会籍
    (retired, unemployed; 第8条) and its 恢复. Ending a membership revokes the person's valid cards."""
    if change not in STATUS_CHANGES:
        raise ApplicationError(_("未知的会籍变化。"), code="change")
    allowed_from, new_status, event_type, _builtin = STATUS_CHANGES[change]
    m = (
        Membership.objects.select_for_update()
        .select_related("person", "org")
        .get(pk=membership.pk, person_id=membership.person_id)  # person_id: one shard on Citus
    )
    if m.status not in allowed_from:
        raise ApplicationError(
            _("会籍状态为“%(s)s”，不能办理%(c)s。")
            % {"s": m.get_status_display(), "c": codes.label(Table.CHANGE_TYPE, event_type)},
            code="membership_state",
        )
    if reason not in codes.reasons_for(event_type):  # the table decides (an added reason counts)
        raise ApplicationError(
            _("变化原因不适用于此项会籍变化。"), code="reason", details={"field": "reason"}
        )
    on = check_date(on, "on")
    if on < m.joined_on:
        raise ApplicationError(_("日期不能早于入会日期。"), code="date_order", details={"field": "on"})
    if change == "expel":
        decision = _expulsion_decision(
            decision_no=decision_no, decided_on=decided_on, filed_on=filed_on, on=on
        )
    before = m.status
    had_card = has_valid_card(m.person_id)
    if new_status == MembershipStatus.RETAINED:
        counters.on_member_retained(m.org_path, m.person, has_card=had_card)
    elif new_status == MembershipStatus.ACTIVE:
        counters.on_member_restored(m.org_path, m.person, has_card=had_card)
    else:
        count_out(m, m.person, has_card=had_card)
    m.status = new_status
    fields = ["status", "updated_at"]
    if new_status not in CURRENT_STATUSES:
        m.ended_on = on
        fields.append("ended_on")
        Card.objects.filter(person_id=m.person_id, status=CardStatus.VALID).update(
            status=CardStatus.REVOKED, revoked_on=on
        )
        Transfer.objects.filter(from_membership=m, status=TransferStatus.PENDING).update(
            status=TransferStatus.CANCELLED, decided_at=timezone.now(), decision_note=_("会籍已终止")
        )
        roll.remove([m])
    m.save(update_fields=fields)
    event = event_create(membership=m, type=event_type, reason=reason, on=on, user=user, note=note)
    extra: dict[str, Any] = {}
    if change == "expel":
        Expulsion.objects.create(
            event=event,
            membership=m,
            filed_with=Org.objects.get_parent(m.org) if decision["filed_on"] else None,
            **decision,
        )
        extra = {
            "decision_no": decision["decision_no"],
            "decided_on": str(decision["decided_on"]),
            "filed_on": str(decision["filed_on"] or ""),
        }
    audit_record(user=audit_user(user), action=f"membership.{change}", obj=m, org_path=m.org_path,
                 object_repr=f"{m.person.name} {m.member_no}", changes={"status": [before, new_status], "reason": reason, **extra})  # fmt: skip
    return m


def membership_retain(
    *, user: Any, membership: Membership, on: dt.date, reason: str, note: str = ""
) -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="retain", on=on, reason=reason, note=note
    )


def membership_restore(
    *, user: Any, membership: Membership, on: dt.date, reason: str = Reason.REEMPLOYED, note: str = ""
) -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="restore", on=on, reason=reason, note=note
    )


def membership_leave(
    *, user: Any, membership: Membership, on: dt.date, reason: str = Reason.VOLUNTARY, note: str = ""
) -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="leave", on=on, reason=reason, note=note
    )


def membership_expel(
    *, user: Any, membership: Membership, on: dt.date, decision_no: str, decided_on: dt.date,
    filed_on: dt.date | None = None, note: str = "",
) -> Membership:  # fmt: skip
    return membership_change_status(
        user=user, membership=membership, change="expel", on=on, reason=Reason.CRIMINAL, note=note,
        decision_no=decision_no, decided_on=decided_on, filed_on=filed_on,
    )  # fmt: skip


def _expulsion_decision(
    *, decision_no: str, decided_on: dt.date | None, filed_on: dt.date | None, on: dt.date
) -> dict[str, Any]:
    """开除会籍 without the base committee's decision is refused (章程第7条（2008年文本）)."""
    decision_no = (decision_no or "").strip()
    if not decision_no or decided_on is None:
        raise ApplicationError(
            _("开除会籍须经基层工会委员会决定（《中国工会章程》第7条（2008年文本）），请填写委员会决定文号和决定日期。"),
            code="decision_required", details={"field": "decision_no" if not decision_no else "decided_on"},
        )  # fmt: skip
    if len(decision_no) > 60:
        raise ApplicationError(_("决定文号过长。"), code="decision_no", details={"field": "decision_no"})
    check_date(decided_on, "decided_on")
    if decided_on > on:
        raise ApplicationError(
            _("开除会籍的日期不能早于委员会决定日期。"), code="date_order", details={"field": "decided_on"}
        )
    if filed_on is not None:
        _check_filed_on(filed_on, decided_on)
    return {"decision_no": decision_no, "decided_on": decided_on, "filed_on": filed_on}


def _check_filed_on(filed_on: dt.date, decided_on: dt.date) -> None:
    check_date(filed_on, "filed_on")
    if filed_on < decided_on:
        raise ApplicationError(
            _("备案日期不能早于委员会决定日期。"), code="date_order", details={"field": "filed_on"}
        )


@transaction.atomic
def membership_expulsion_file(*, user: Any, membership: Membership, filed_on: dt.date) -> Expulsion:
    """Record that the committee's 开除会籍 decision was filed with the upper union (章程第7条
    （2008年文本）: 报上一级工会备案)."""
    # the expulsion row alone (a coordinator table on Citus, where FOR UPDATE over a join with the
    # distributed membership is refused); its membership is read on the person's shard
    exp = Expulsion.objects.select_for_update().filter(membership=membership).order_by("-id").first()
    if exp is None:
        raise ApplicationError(_("该会员没有开除会籍的记录。"), code="no_expulsion")
    exp.membership = Membership.objects.select_related("org").get(
        pk=exp.membership_id, person_id=membership.person_id
    )
    if exp.filed_on is not None:
        raise ApplicationError(_("已于 %(d)s 报上级工会备案。") % {"d": exp.filed_on}, code="already_filed")
    _check_filed_on(filed_on, exp.decided_on)
    exp.filed_on = filed_on
    exp.filed_with = Org.objects.get_parent(exp.membership.org)
    exp.save(update_fields=["filed_on", "filed_with"])
    audit_record(user=audit_user(user), action="membership.expulsion_file", obj=exp.membership,
                 org_path=exp.membership.org_path, changes={"filed_on": str(filed_on), "decision_no": exp.decision_no})  # fmt: skip
    return exp
