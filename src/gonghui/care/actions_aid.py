"""Aid records and aid rounds (送温暖, 金秋助学 …): seed 001 (困难职工帮扶中心, 金秋助学). Amounts in
yuan, above zero; a round pays its standard amount to the files put on its list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.models import (
    AidProgramme,
    AidType,
    Assistance,
    EntryStatus,
    FundSource,
    HardshipFile,
    ProgrammeEntry,
    ProgrammeStatus,
)  # fmt: skip
from gonghui.care.rules import _choice, _past, _scope_of, _text, _user, money
from gonghui.care.selectors import eligible_files
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

# --------------------------------------------------------------------------- aid


@transaction.atomic
def aid_record(
    *, user: Any, type: str, amount: Any, given_on: dt.date, source: str, file: HardshipFile | None = None,
    membership: Membership | None = None, note: str = "", programme: AidProgramme | None = None,
) -> Assistance:  # fmt: skip
    """Record aid given to a worker: on their open hardship file, or (送温暖 to a frontline worker,
    助医 through mutual insurance…) to any current member. The record belongs to the file's union,
    else the member's."""
    _choice(type, AidType, "type", _("帮扶类型"))
    _choice(source, FundSource, "source", _("资金来源"))
    amount = money(amount, "amount", positive=True)
    given_on = _past(given_on, "given_on")
    if file is not None:
        file = HardshipFile.objects.select_related("person", "org").get(pk=file.pk)
        if not file.is_open:
            raise ApplicationError(
                _("档案已%(s)s，不能再登记帮扶。") % {"s": file.get_status_display()}, code="file_state"
            )
        person, org = file.person, file.org
    elif membership is not None:
        m = Membership.objects.select_related("person", "org").get(pk=membership.pk)
        if not m.is_current:
            raise ApplicationError(
                _("“%(name)s”的会籍已终止。") % {"name": m.person.name},
                code="membership_ended",
                details={"field": "member"},
            )
        person, org = m.person, m.org
    else:
        raise ApplicationError(_("请指明帮扶对象。"), code="required", details={"field": "member"})
    aid = Assistance.objects.create(person=person, file=file, programme=programme, type=type, amount=amount, given_on=given_on,
                                    source=source, note=_text(note, 200), recorded_by=_user(user), **_scope_of(org))  # fmt: skip
    if programme is None:
        audit_record(user=_user(user), action="care.aid.record", obj=aid, org_path=aid.org_path, object_repr=f"{person.name} {aid}",
                     changes={"type": type, "amount": str(amount), "source": source, "file": file.pk if file else None})  # fmt: skip
    return aid


# --------------------------------------------------------------------------- aid rounds


@transaction.atomic
def programme_create(
    *, user: Any, org: Org, name: str, type: str, year: int, amount_per_person: Any, source: str, note: str = "",
) -> AidProgramme:  # fmt: skip
    """Open an aid round (送温暖, 金秋助学 …) run by `org` over the files of its subtree."""
    name = _text(name, 80)
    if not name:
        raise ApplicationError(_("请填写活动名称。"), code="required", details={"field": "name"})
    _choice(type, AidType, "type", _("帮扶类型"))
    _choice(source, FundSource, "source", _("资金来源"))
    if not org.is_active:
        raise ApplicationError(_("“%(name)s”已撤销或合并。") % {"name": org.name}, code="org_inactive")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        raise ApplicationError(
            _("年度应在 2000 至 %(y)d 之间。") % {"y": this_year + 1}, code="year", details={"field": "year"}
        )
    amount = money(amount_per_person, "amount_per_person", positive=True)
    p = AidProgramme.objects.create(name=name, type=type, year=year, amount_per_person=amount, source=source, note=_text(note, 200),
                                    created_by=_user(user), **_scope_of(org))  # fmt: skip
    audit_record(user=_user(user), action="care.programme.create", obj=p, org_path=p.org_path,
                 changes={"type": type, "year": year, "amount_per_person": str(amount), "source": source})  # fmt: skip
    return p


def _open_programme(programme: AidProgramme) -> AidProgramme:
    p = AidProgramme.objects.select_for_update().get(pk=programme.pk)
    if not p.is_open:
        raise ApplicationError(_("活动“%(name)s”已结束。") % {"name": p.name}, code="programme_closed")
    return p


@transaction.atomic
def programme_list_add(
    *, user: Any, programme: AidProgramme, files: Iterable[HardshipFile] | None = None
) -> int:
    """Put files on the round's list at the round's standard amount: the given ones, each of which
    must be eligible (care.selectors.eligible_files), or all eligible ones when `files` is None.

    The caller resolves `files` through the gatekeeper (care.scope.files_by_ids). The refusal names
    only files under the round's own union, so it never tells more than the round's pages do."""
    p = _open_programme(programme)
    eligible = eligible_files(p)
    if files is None:
        chosen = list(eligible.select_related("org"))
    else:
        ids_ = list(dict.fromkeys(f.pk for f in files))
        chosen = list(eligible.filter(pk__in=ids_).select_related("org"))
        if len(chosen) != len(ids_):
            refused = set(ids_) - {f.pk for f in chosen}
            named = list(
                HardshipFile.objects.filter(pk__in=refused, org_path__startswith=p.org_path)
                .prefetch_related("person")
                .order_by("pk")
            )
            names = "、".join(f"{f.person.name}（{f.file_no}）" for f in named[:5])
            if len(named) < len(refused):
                names = "、".join(
                    x
                    for x in (
                        names,
                        _("%(n)d 份不属于本活动主办工会的档案") % {"n": len(refused) - len(named)},
                    )
                    if x
                )
            raise ApplicationError(_("以下档案不符合本次活动条件或已在名单中：%(names)s") % {"names": names}, code="not_eligible",
                                   details={"field": "files", "files": [f.pk for f in named]})  # fmt: skip
    ProgrammeEntry.objects.bulk_create([
        ProgrammeEntry(programme=p, file=f, person_id=f.person_id, amount=p.amount_per_person, **_scope_of(f.org)) for f in chosen
    ])  # fmt: skip
    if chosen:
        audit_record(
            user=_user(user),
            action="care.programme.list",
            obj=p,
            org_path=p.org_path,
            changes={"added": len(chosen)},
        )
    return len(chosen)


def _listed(p: AidProgramme, entries: Iterable[ProgrammeEntry]) -> list[ProgrammeEntry]:
    ids_ = list(dict.fromkeys(e.pk for e in entries))
    if not ids_:
        raise ApplicationError(_("请先选择名单中的人员。"), code="required", details={"field": "entries"})
    # the entries locked alone, then their persons, files and unions read (Citus refuses FOR
    # UPDATE over a join with the distributed person table)
    rows = list(ProgrammeEntry.objects.select_for_update().filter(programme=p, pk__in=ids_))
    prefetch_related_objects(rows, "person", "file", "org")
    if len(rows) != len(ids_):
        raise ApplicationError(
            _("所选人员不在本次活动名单中。"), code="not_listed", details={"field": "entries"}
        )
    done = [e for e in rows if e.status != EntryStatus.LISTED]
    if done:
        raise ApplicationError(_("以下人员已发放或已移出，不能重复办理：%(names)s") % {"names": "、".join(e.person.name for e in done[:5])},
                               code="entry_state", details={"entries": [e.pk for e in done]})  # fmt: skip
    return rows


@transaction.atomic
def programme_pay(
    *, user: Any, programme: AidProgramme, entries: Iterable[ProgrammeEntry], paid_on: dt.date
) -> int:
    """Record payment of listed entries: each becomes one aid record (type, source and amount of
    the round), so the round's money shows in the aid reports exactly once."""
    p = _open_programme(programme)
    paid_on = _past(paid_on, "paid_on")
    rows = _listed(p, entries)
    for e in rows:
        aid = Assistance.objects.create(
            person_id=e.person_id, file=e.file, programme=p, type=p.type, amount=e.amount, given_on=paid_on, source=p.source,
            note=p.name[:200], recorded_by=_user(user), **_scope_of(e.org),
        )  # fmt: skip
        e.status, e.paid_on, e.assistance = EntryStatus.PAID, paid_on, aid
    ProgrammeEntry.objects.bulk_update(rows, ["status", "paid_on", "assistance"])
    audit_record(user=_user(user), action="care.programme.pay", obj=p, org_path=p.org_path,
                 changes={"paid": len(rows), "amount": str(sum((e.amount for e in rows), Decimal(0))), "paid_on": str(paid_on)})  # fmt: skip
    return len(rows)


@transaction.atomic
def programme_withdraw(*, user: Any, programme: AidProgramme, entries: Iterable[ProgrammeEntry]) -> int:
    """Take listed (unpaid) entries off the list."""
    p = _open_programme(programme)
    rows = _listed(p, entries)
    ProgrammeEntry.objects.filter(pk__in=[e.pk for e in rows]).update(status=EntryStatus.WITHDRAWN)
    audit_record(
        user=_user(user),
        action="care.programme.withdraw",
        obj=p,
        org_path=p.org_path,
        changes={"withdrawn": len(rows)},
    )
    return len(rows)


@transaction.atomic
def programme_close(*, user: Any, programme: AidProgramme) -> AidProgramme:
    """End the round; entries still unpaid are taken off the list."""
    p = _open_programme(programme)
    left = ProgrammeEntry.objects.filter(programme=p, status=EntryStatus.LISTED).update(
        status=EntryStatus.WITHDRAWN
    )
    p.status, p.closed_at = ProgrammeStatus.CLOSED, timezone.now()
    p.save(update_fields=["status", "closed_at"])
    audit_record(
        user=_user(user),
        action="care.programme.close",
        obj=p,
        org_path=p.org_path,
        changes={"unpaid_withdrawn": left},
    )
    return p
