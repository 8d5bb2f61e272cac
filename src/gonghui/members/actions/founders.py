"""Founding members of a newly approved union (组建“有名册”, seed 004)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core import access, pii
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.actions.common import (
    already_member_error,
    audit_user,
    format_form_no,
    membership_open,
    next_number,
    person_get_or_create,
)
from gonghui.members.actions.transfers import membership_transfer_out
from gonghui.members.codes import EventType, Reason
from gonghui.members.identity import (
    ID_CONTEXT,
    check_age,
    check_base_org,
    check_date,
    clean_name,
    employer_fields,
    mask_org_name,
    parse_id,
    pii_columns,
)
from gonghui.members.models import (
    CURRENT_STATUSES,
    Channel,
    Counter,
    Membership,
    MembershipStatus,
    Transfer,
    TransferStatus,
)  # fmt: skip
from gonghui.orgs.models import Employer, Org


@transaction.atomic
def founder_register(
    *, user: Any, org: Org, name: str, id_cipher: str, employer: Employer | None, joined_on: dt.date, note: str,
) -> Membership:  # fmt: skip
    """A founding member on an approved formation's roster (组建“有名册”, seed 004) joins the new
    union on its founding date with its next 会员编号 (实名制: every member by real name). Someone not
    yet on the register is created from the ID number; a member of another union moves here as
    转出/转入, the union of their workplace now being this one. Refused — the caller rolls the whole
    approval back — when the person is under 16 then, is registered under another name, holds
    保留会籍 (章程第8条（2008年文本）: no longer working), has a transfer pending, or is a member here already."""
    check_base_org(org)
    joined_on = check_date(joined_on, "founded_on")
    info = parse_id(pii.decrypt(id_cipher, context=ID_CONTEXT))  # the number lives in memory only
    check_age(info.birth_date, joined_on)
    name = clean_name(name)
    person, created = person_get_or_create(
        org=org, data={"name": name, **pii_columns(info, ""), **employer_fields(employer, "")}
    )
    old = None
    if not created:
        if "".join(person.name.split()) != "".join(name.split()):
            raise ApplicationError(
                _("姓名“%(n)s”与会员库中该身份证号的登记姓名不一致。") % {"n": name}, code="name_mismatch"
            )
        old = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("org")
            .filter(person=person, status__in=CURRENT_STATUSES)
            .first()
        )
        if old is not None and old.org_id == org.pk:
            raise already_member_error(user, old, org=org)
        if old is not None and old.status != MembershipStatus.ACTIVE:
            seen = getattr(user, "is_authenticated", False) and access.in_scope(user, old.org_path)
            raise ApplicationError(_("该会员在%(org)s保留会籍（已不在岗），不能随建会转入；如已重新就业，请先恢复会籍。") % {
                "org": old.org.name if seen else mask_org_name(old.org.name)}, code="membership_state")  # fmt: skip
        if (
            old is not None
            and Transfer.objects.filter(from_membership=old, status=TransferStatus.PENDING).exists()
        ):
            raise ConflictError(
                _("该会员有一项待确认的会员关系接转，请先办结或撤回。"), code="transfer_pending"
            )
        if employer is not None and person.employer_id != employer.pk:
            flags = daycount.person_flags(person)
            person.employer, person.employer_name = employer, employer.name
            person.save(update_fields=["employer", "employer_name", "updated_at"])
            daycount.person_saving(person, flags)
    if old is None:
        # 档案关: a founding member's record gets the union's next 登记表编号 like any other (issue 18)
        form_no = format_form_no(org, next_number(org, Counter.FORM_NO))
        m = membership_open(user=user, person=person, org=org, joined_on=joined_on, channel=Channel.FORMATION, form_no=form_no,
                             event_type=EventType.JOIN, reason=Reason.APPLY, note=note)  # fmt: skip
        audit_record(user=audit_user(user), action="membership.create", obj=m, org_path=m.org_path,
                     object_repr=f"{person.name} {m.member_no}", changes={"channel": m.channel, "note": note})  # fmt: skip
        return m
    membership_transfer_out(
        user=user,
        membership=old,
        person=person,
        on=joined_on,
        reason=Reason.FORMATION,
        from_org=old.org,
        to_org=org,
        note=note,
    )
    m = membership_open(user=user, person=person, org=org, joined_on=old.ended_on or joined_on, channel=Channel.FORMATION,
                         form_no=old.form_no, event_type=EventType.TRANSFER_IN, reason=Reason.FORMATION, from_org=old.org, note=note)  # fmt: skip
    for path in (old.org_path, m.org_path):
        audit_record(user=audit_user(user), action="membership.formation_transfer", obj=m, org_path=path, object_repr=f"{person.name} {m.member_no}",
                     changes={"from": old.member_no, "to": m.member_no, "note": note})  # fmt: skip
    return m
