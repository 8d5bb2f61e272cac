"""Reads over the register: search, a member's history, figures for statistics, join pickers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, Func, Max, Q, QuerySet, Sum
from django.db.models.lookups import Exact

from gonghui.core import ids
from gonghui.core.models import Identity
from gonghui.members.identity import id_index, mask_org_name, phone_index
from gonghui.members.models import (
    CURRENT_STATUSES,
    Card,
    CardStatus,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
)  # fmt: skip
from gonghui.members.paging import paged
from gonghui.orgs.models import BASE_KINDS, JOINT_KINDS, Employer, Org, OrgKind, OrgStatus


def current_membership(index: str) -> Membership | None:
    """The current (active or retained) membership of the person with this ID blind index."""
    # the identity table first (core.Identity): on Citus one shard, then the person's shard
    pid = Identity.person_of(index)
    if pid is None:
        return None
    return (
        Membership.objects.select_related("org", "person")
        .filter(person_id=pid, status__in=CURRENT_STATUSES)
        .first()
    )


def has_valid_card(person_id: int) -> bool:
    return Card.objects.filter(person_id=person_id, status=CardStatus.VALID).exists()


@dataclass
class MemberFilters:
    q: str = ""  # name, member number or form number
    idp: str = ""  # an ID number or a phone: exact match through the blind index
    employer: str = ""
    migrant: str = ""  # "1" / "0" / ""
    group: str = ""  # 新就业形态 group code, or "any"
    status: str = "current"  # current / all / one status
    org: str = ""  # a union code: that subtree only
    extra: dict[str, Any] = field(default_factory=dict)


def member_search(
    base: QuerySet[Membership], f: MemberFilters, *, under: Org | None = None, walk: bool = False
) -> QuerySet[Membership]:
    """Memberships of `base` (already scoped) matching the filters, newest first.

    `q` with a Chinese character is a name, matched from its start (a surname, or the full
    name) on the membership's copy of it (see `_name_filter`), where "contains" could only scan
    the subtree. Other text (digits, letters) is a member or form number, exactly, or a name
    starting with it.

    An ID number or phone is never compared in plain text: it is parsed, then matched on the
    blind index (one indexed equality)."""
    qs = base
    if under is not None:
        qs = qs.filter(**{"org_path__startswith_walk" if walk else "org_path__startswith": under.path})
    if f.status == "current":
        qs = qs.filter(status__in=CURRENT_STATUSES)
    elif f.status in MembershipStatus.values:
        qs = qs.filter(status=f.status)
    if q := f.q.strip():
        name = _name_filter(q)
        qs = qs.filter(name if not q.isascii() else name | Q(member_no=q) | Q(form_no=q))
    if idp := f.idp.strip():
        qs = qs.filter(_idp_filter(idp))
    if emp := f.employer.strip():
        qs = qs.filter(person__employer_name__contains=emp)
    if f.migrant in ("1", "0"):
        qs = qs.filter(person__is_migrant=f.migrant == "1")
    if f.group == "any":
        qs = qs.exclude(person__new_employment_group="")
    elif f.group:
        qs = qs.filter(person__new_employment_group=f.group)
    return paged(qs.select_related("person", "org").order_by("-joined_on", "-id"))  # a page in two steps


def _name_prefix(field: str, q: str) -> Q:
    """`field` starts with `q`, in a form the field's index serves: on SQLite (whose LIKE is
    case-insensitive and never uses an index) the range `q <= field < q + U+10FFFF` — UTF-8
    compares bytewise in code point order; on PostgreSQL LIKE 'q%'."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": q, f"{field}__lt": q + "\U0010ffff"})
    return Q(**{f"{field}__startswith": q})


def _name_filter(q: str) -> Q:
    """Memberships whose name starts with `q`, on the membership's copy of the person's name
    (Membership.name, kept equal in every write): its first character equal and the name in the
    prefix range. The index `membership_name` (first character, org_path, status, joined_on,
    name) keeps a subtree's holders of that first character together: the search reads them
    from that index alone, no person row, however large the subtree (10M members, web bench
    under load: county admin "王" 228 → 15 ms a page, province admin 5.9 s → 167 ms)."""
    return Q(Exact(_Initial("name"), q[0])) & _name_prefix("name", q)


class _Initial(Func):
    """The name's first character as the index `membership_name` writes it, SUBSTR(name, 1, 1)
    with the numbers in the SQL: `Substr` binds them as parameters, and SQLite then does not see
    the index's expression (it walked the subtree instead: 1.1 s for a county's "王")."""

    function = "SUBSTRING"
    template = "%(function)s(%(expressions)s, 1, 1)"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="SUBSTR", **extra)


def on_roll(f: MemberFilters, org: Org) -> bool:
    """The list is one union's current members, unfiltered: a page of its roll (members/roll.py)
    — a union with no unions below it, whose subtree is its own memberships."""
    plain = not (f.q.strip() or f.idp.strip() or f.employer.strip() or f.migrant in ("1", "0") or f.group)
    return plain and f.status == "current" and org.numchild == 0


def known_count(f: MemberFilters, org: Org) -> int | None:
    """The list's total from the counters when no filter but the status is set (else None)."""
    if f.q.strip() or f.idp.strip() or f.employer.strip() or f.migrant in ("1", "0") or f.group:
        return None
    fields = {"current": ("members", "retained_members"), MembershipStatus.ACTIVE: ("members",),
              MembershipStatus.RETAINED: ("retained_members",)}.get(f.status)  # fmt: skip
    if fields is None:
        return None
    from gonghui.reports.models import OrgCounter

    row = OrgCounter.objects.filter(path=org.path).values_list(*fields).first()
    return sum(row) if row else None


WALK_SHARE = 4  # walk the newest-first index when the subtree holds ≥ 1/4 of all memberships
WALK_MIN = 2000  # and at least this many members: a smaller subtree sorts in under a millisecond
WALK_PAGES = 20  # and only for the first pages: page k costs the walk k times page 1


def walk_newest_first(count: int | None, page: Any) -> bool:
    """Whether a page of the plain list (no filter but the status; `count` its size from the
    counters) is found faster by walking the newest-first index (`membership_recent`, SQLite only,
    migration members/0014) than by reading and sorting the subtree from the path index. The walk
    reads about (page × per page) × (memberships ÷ subtree) rows, the sort the whole subtree: for
    the demo county's admin 0.25 ms against 26 ms. It is taken only where it cannot go far wrong —
    a subtree holding a quarter of every membership row of the database (`MAX(id)`, one indexed
    read), on its first pages — since a subtree whose members all joined long before the rest
    would make it read past everybody else's first. PostgreSQL has no such index: it sorts, as
    before."""
    if count is None or count < WALK_MIN or connection.vendor != "sqlite":
        return False
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 1
    if number > WALK_PAGES:
        return False
    rows = Membership.objects.aggregate(m=Max("pk"))["m"] or 0
    return count * WALK_SHARE >= rows


def _idp_filter(raw: str) -> Q:
    """Q for an ID number or a phone; an unparseable value matches nothing."""
    try:
        return Q(person_id__in=Identity.holders(id_index(ids.parse_id_number(raw).number)))
    except ids.IdNumberError:
        pass
    try:
        return Q(person__phone_index=phone_index(ids.normalize_phone(raw)))
    except ids.PhoneError:
        return Q(pk__in=[])


def person_history(person: Person, scope_prefix: str) -> dict[str, Any]:
    """All memberships and events of a person, both sides of every transfer; unions outside the
    viewer's scope are shown masked."""
    memberships = list(person.memberships.select_related("org").order_by("joined_on", "id"))
    events = list(
        MembershipEvent.objects.filter(person=person)
        .select_related("from_org", "to_org", "user")
        .order_by("on", "id")
    )
    # the event's membership from the list above, not a join on membership id (on Citus that join
    # is not on the distribution column and is refused; this way both reads stay on the person's shard)
    by_id = {m.pk: m for m in memberships}
    for e in events:
        e.membership = by_id[e.membership_id]
    transfers = list(
        Transfer.objects.filter(person=person).select_related("from_org", "to_org").order_by("-started_at")
    )

    def shown(org: Org | None) -> str:
        if org is None:
            return ""
        return org.name if org.path.startswith(scope_prefix) else mask_org_name(org.name)

    def full(org: Org | None) -> str:  # the other union of a transfer: named to both sides (issue 18)
        return org.name if org is not None else ""

    for m in memberships:
        m.org_shown = shown(m.org)  # type: ignore[attr-defined]
        m.in_scope = m.org_path.startswith(scope_prefix)  # type: ignore[attr-defined]
    for e in events:
        e.org_shown = shown(e.membership.org)  # type: ignore[attr-defined]
        e.from_shown = full(e.from_org)  # type: ignore[attr-defined]
        e.to_shown = full(e.to_org)  # type: ignore[attr-defined]
    for t in transfers:
        t.from_shown = full(t.from_org)  # type: ignore[attr-defined]
        t.to_shown = full(t.to_org)  # type: ignore[attr-defined]
        t.in_scope = t.from_path.startswith(scope_prefix) or t.to_path.startswith(scope_prefix)  # type: ignore[attr-defined]
    return {"memberships": memberships, "events": events, "transfers": [t for t in transfers if t.in_scope]}  # type: ignore[attr-defined]


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def member_stats(org: Org) -> dict[str, Any]:
    """Register figures of a subtree (DOMAIN.md indicators; denominators *unverified*):

    * members — active memberships. 保留会籍 (retired, unemployed) are counted apart as
      `retained_members`: they pay no dues and hold no job, so the ACFTU's 会员数 and 入会率 count
      working members; this is a choice, documented here and in docs/members.md.
    * membership_rate = members ÷ employees of the employers covered by unions in the subtree;
      migrant_membership_rate = migrant members ÷ migrant employees of those employers.

    Issue 7 replaces these counts with maintained counters; every membership write goes through
    members/actions.py, so that is where the counters will hook in.
    """
    active = Membership.objects.filter(org_path__startswith=org.path, status=MembershipStatus.ACTIVE)
    agg = active.aggregate(
        members=Count("id"),
        migrant=Count("id", filter=Q(person__is_migrant=True)),
        female=Count("id", filter=Q(person__gender="F")),
        new_employment=Count("id", filter=~Q(person__new_employment_group="")),
    )
    retained = Membership.objects.filter(
        org_path__startswith=org.path, status=MembershipStatus.RETAINED
    ).count()
    emp = Employer.objects.filter(union__path__startswith=org.path).aggregate(
        e=Sum("employees"), m=Sum("migrant_workers")
    )
    employees, migrant_workers = emp["e"] or 0, emp["m"] or 0
    return {
        "members": agg["members"],
        "migrant_members": agg["migrant"],
        "female_members": agg["female"],
        "new_employment_members": agg["new_employment"],
        "retained_members": retained,
        "unionised_employees": employees,
        "unionised_migrant_workers": migrant_workers,
        "membership_rate": rate(agg["members"], employees),
        "migrant_membership_rate": rate(agg["migrant"], migrant_workers),
    }


def top_federation(org: Org) -> Org:
    return org if org.depth == 1 else Org.objects.get(path=org.path[: Org.steplen])


def area_of(org: Org) -> Org | None:
    """The township/industry/system/park union a base union sits under."""
    if org.depth <= 1:
        return None
    return Org.objects.filter(path=org.path[: -Org.steplen]).first()


def join_areas(root: Org) -> QuerySet[Org]:
    """Where a worker may say they live or work: the township unions under the federation."""
    return Org.objects.filter(
        path__startswith=root.path, kind=OrgKind.TOWNSHIP_UNION, status=OrgStatus.ACTIVE
    ).order_by("path")


def joint_unions(root: Org, *, area: Org | None = None) -> dict[str, list[Org]]:
    """Unions a worker whose employer has no union may join: the joint unions of the chosen area,
    and the new-employment-form unions of the whole federation."""
    base = Org.objects.filter(path__startswith=root.path, status=OrgStatus.ACTIVE, kind__in=JOINT_KINDS)
    joint = base.filter(kind=OrgKind.JOINT_GRASSROOTS)
    if area is not None:
        joint = joint.filter(path__startswith=area.path)
    return {
        "joint": list(joint.order_by("path")[:200]),
        "new_employment": list(base.filter(kind=OrgKind.NEW_EMPLOYMENT).order_by("path")),
    }


def base_unions(root: Org) -> QuerySet[Org]:
    return Org.objects.filter(
        path__startswith=root.path, status=OrgStatus.ACTIVE, kind__in=BASE_KINDS
    ).order_by("path")


@dataclass
class TransferShown:
    """What one side may see of a transfer. A person outside the viewer's scope, found by the ID
    number the viewer typed (a transfer in), stays masked until their union accepts: no name, no
    union code or membership id (issue 12 finding 4) — the same masking on the page and the API."""

    person_name: str
    person_id_masked: str
    from_org: str  # code, or "" when masked
    from_org_name: str
    to_org: str
    to_org_name: str
    from_membership_id: int | None
    to_membership_id: int | None
    member_link: int | None
    can_answer: bool
    can_cancel: bool


def transfer_shown(t: Transfer, prefix: str) -> TransferShown:
    sees_from = t.from_path.startswith(prefix)
    sees_to = t.to_path.startswith(prefix)
    # the receiving side learns who the person is when the sending side started the transfer (it
    # asks the receiving union to take them) or once it is accepted
    sees_person = sees_from or (sees_to and (t.initiated_by == "from" or t.status == "accepted"))
    answering_path = t.to_path if t.answering_side == "to" else t.from_path
    starting_path = t.from_path if t.initiated_by == "from" else t.to_path
    pending = t.status == "pending"
    return TransferShown(
        person_name=t.person.name if sees_person else "",
        person_id_masked=t.person.id_masked,
        from_org=t.from_org.code if sees_from else "",
        # union names are not personal data: each side sees the other union in full, except a
        # receiving union that typed an ID number, until the sending union answers (no oracle)
        from_org_name=t.from_org.name if sees_from or sees_person else mask_org_name(t.from_org.name),
        to_org=t.to_org.code if sees_to else "",
        to_org_name=t.to_org.name,
        from_membership_id=t.from_membership_id if sees_from else None,
        to_membership_id=t.to_membership_id if sees_to else None,
        member_link=t.from_membership_id if sees_from else (t.to_membership_id if sees_to else None),
        can_answer=pending and answering_path.startswith(prefix),
        can_cancel=pending and starting_path.startswith(prefix),
    )
