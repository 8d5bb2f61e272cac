"""组建: the founding roster (有名册). Scope by construction (issue 12, finding 1): adding an ID number answers the same whatever it belongs to."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import ids, pii
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import Identity
from gonghui.elections.formation.common import (
    _editable,
    _lock,
)
from gonghui.elections.models import (
    Formation,
    RosterEntry,
    RosterSource,
)  # fmt: skip
from gonghui.members.actions import ID_CONTEXT, id_index, parse_id
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import Employer


def _employer_for(f: Formation, employer: Employer | None) -> Employer | None:
    allowed = list(f.employers.all())
    if employer is None:
        return allowed[0] if len(allowed) == 1 else None
    if employer.pk not in {e.pk for e in allowed}:
        raise ApplicationError(
            _("“%(e)s”不是本次建会的单位。") % {"e": employer.name},
            code="employer_not_in_formation",
            details={"field": "employer"},
        )
    return employer


def _entry(f: Formation, *, name: str, id_number: str, employer: Employer | None) -> RosterEntry:
    """One roster row. No oracle (issue 12, finding 1): the answer is the same whatever the ID
    number belongs to — no name is confirmed or denied, no union named. A current member of a
    union inside the upper union's own subtree is linked (its staff see that member anyway);
    anyone else is an applicant here, and on approval a member of another union gets a transfer
    request that union answers (founders.py)."""
    name = re.sub(r"\s+", "", name or "")
    if not name:
        raise ApplicationError(_("请填写姓名。"), code="required", details={"field": "name"})
    info = parse_id(id_number)
    index = id_index(info.number)
    if f.roster.filter(id_index=index).exists():
        raise ConflictError(_("%(n)s（%(id)s）已在名册中。") % {"n": name, "id": ids.mask_id_number(info.number)}, code="duplicate_entry",
                            details={"field": "id_number"})  # fmt: skip
    membership = (
        Membership.objects.filter(
            person_id__in=Identity.holders(index),
            person__name=name,
            status=MembershipStatus.ACTIVE,
            org_path__startswith=f.org_path,
        )
        .only("pk")
        .first()
    )
    return RosterEntry(
        formation=f, name=name, id_cipher=pii.encrypt(info.number, context=ID_CONTEXT), id_index=index,
        id_masked=ids.mask_id_number(info.number), gender=info.gender, employer=_employer_for(f, employer),
        source=RosterSource.REGISTER if membership else RosterSource.APPLICANT, membership=membership,
    )  # fmt: skip


@transaction.atomic
def roster_add(
    *, user: Any, formation: Formation, name: str, id_number: str, employer: Employer | None = None
) -> RosterEntry:
    """Add one founding member by name and ID number (encrypted; a register member is linked)."""
    f = _lock(formation)
    _editable(f)
    entry = _entry(f, name=name, id_number=id_number, employer=employer)
    entry.save()
    audit_record(
        user=user,
        action="formation.roster_add",
        obj=f,
        org_path=f.org_path,
        changes={"entry": entry.id_masked},
    )
    return entry


LINE_SPLIT = re.compile(r"[\s,，;；\t]+")


@transaction.atomic
def roster_add_lines(*, user: Any, formation: Formation, text: str) -> int:
    """Add many founding members from lines of “姓名 身份证号 [单位名称]”. All or nothing: the first
    bad line is named with its number."""
    f = _lock(formation)
    _editable(f)
    by_name = {e.name: e for e in f.employers.all()}
    entries: list[RosterEntry] = []
    seen: set[str] = set()
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = LINE_SPLIT.split(line.strip())
        if len(parts) < 2:
            raise ApplicationError(
                _("第 %(no)d 行：应为“姓名 身份证号 [单位名称]”。") % {"no": no},
                code="line",
                details={"field": "lines", "line": no},
            )
        employer = None
        if len(parts) > 2:
            employer = by_name.get(parts[2])
            if employer is None:
                raise ApplicationError(_("第 %(no)d 行：单位“%(e)s”不是本次建会的单位。") % {"no": no, "e": parts[2]}, code="line",
                                       details={"field": "lines", "line": no})  # fmt: skip
        try:
            entry = _entry(f, name=parts[0], id_number=parts[1], employer=employer)
        except ApplicationError as e:
            raise type(e)(
                _("第 %(no)d 行：%(m)s") % {"no": no, "m": e.message},
                code=e.code,
                details={"field": "lines", "line": no},
            ) from None
        if entry.id_index in seen:
            raise ConflictError(
                _("第 %(no)d 行：身份证号与前面的行重复。") % {"no": no},
                code="duplicate_entry",
                details={"field": "lines", "line": no},
            )
        seen.add(entry.id_index)
        entries.append(entry)
    if not entries:
        raise ApplicationError(_("没有可添加的行。"), code="required", details={"field": "lines"})
    RosterEntry.objects.bulk_create(entries)
    audit_record(
        user=user, action="formation.roster_add", obj=f, org_path=f.org_path, changes={"added": len(entries)}
    )
    return len(entries)


@transaction.atomic
def roster_from_register(*, user: Any, formation: Formation) -> int:
    """Add the register's current members who work at the formation's employers."""
    f = _lock(formation)
    _editable(f)
    employer_ids = list(f.employers.values_list("pk", flat=True))
    if not employer_ids:
        raise ApplicationError(_("请先选择建会单位。"), code="no_employers")
    have = set(f.roster.values_list("id_index", flat=True))
    rows = (  # only members the upper union's staff may see (scope by construction)
        Membership.objects.filter(
            status=MembershipStatus.ACTIVE,
            person__employer_id__in=employer_ids,
            org_path__startswith=f.org_path,
        )
        .select_related("person")
        .order_by("pk")
    )
    entries = [
        RosterEntry(
            formation=f,
            name=m.person.name,
            id_cipher=m.person.id_cipher,
            id_index=m.person.id_index,
            id_masked=m.person.id_masked,
            gender=m.person.gender,
            employer_id=m.person.employer_id,
            source=RosterSource.REGISTER,
            membership=m,
        )  # fmt: skip
        for m in rows
        if m.person.id_index not in have
    ]
    RosterEntry.objects.bulk_create(entries)
    audit_record(
        user=user,
        action="formation.roster_from_register",
        obj=f,
        org_path=f.org_path,
        changes={"added": len(entries)},
    )
    return len(entries)


@transaction.atomic
def roster_remove(*, user: Any, formation: Formation, entry_ids: list[int]) -> int:
    f = _lock(formation)
    _editable(f)
    n, _detail = f.roster.filter(pk__in=entry_ids).delete()
    if n:
        audit_record(
            user=user, action="formation.roster_remove", obj=f, org_path=f.org_path, changes={"removed": n}
        )
    return n
