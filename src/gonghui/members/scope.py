"""Getting member objects through the gatekeeper (core.access).

Each helper finds the object, then asks `access.require(user, perm, path=...)` with the path of
the union it belongs to. Out of scope → 404 (nothing leaks), wrong role → 403. A transfer belongs
to two unions: either side may see it; each side may only do its own part.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.members.models import Application, Card, CardBatch, Membership, Transfer
from gonghui.orgs.models import Org


def scoped_memberships(user: Any, *, walk: bool = False) -> QuerySet[Membership]:
    """The memberships under the user's org; `walk`: the same rows, filtered so that SQLite walks
    the newest-first index instead of the path index (`selectors.walk_newest_first`)."""
    access.require(user, Perm.VIEW)
    if walk:
        return Membership.objects.filter(org_path__startswith_walk=access.scope_path(user))
    return Membership.objects.filter(org_path__startswith=access.scope_path(user))


def scoped_applications(user: Any) -> QuerySet[Application]:
    access.require(user, Perm.VIEW)
    return Application.objects.filter(org_path__startswith=access.scope_path(user))


def scoped_transfers(user: Any) -> QuerySet[Transfer]:
    access.require(user, Perm.VIEW)
    prefix = access.scope_path(user)
    return Transfer.objects.filter(Q(from_path__startswith=prefix) | Q(to_path__startswith=prefix))


def scoped_card_batches(user: Any) -> QuerySet[CardBatch]:
    access.require(user, Perm.VIEW)
    return CardBatch.objects.filter(org_path__startswith=access.scope_path(user))


def scoped_cards(user: Any) -> QuerySet[Card]:
    access.require(user, Perm.VIEW)
    return Card.objects.filter(batch__org_path__startswith=access.scope_path(user))


def get_membership(user: Any, pk: int, perm: Perm = Perm.VIEW) -> Membership:
    m = Membership.objects.select_related("person", "org", "person__employer").filter(pk=pk).first()
    if m is None:
        raise Http404
    access.require(user, perm, path=m.org_path)
    return m


def get_application(user: Any, pk: int, perm: Perm = Perm.VIEW) -> Application:
    a = (
        Application.objects.select_related("org", "employer", "membership", "reviewed_by", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise Http404
    access.require(user, perm, path=a.org_path)
    return a


def get_card_batch(user: Any, pk: int, perm: Perm = Perm.VIEW) -> CardBatch:
    b = CardBatch.objects.select_related("org").filter(pk=pk).first()
    if b is None:
        raise Http404
    access.require(user, perm, path=b.org_path)
    return b


def get_card(user: Any, pk: int, perm: Perm = Perm.VIEW) -> Card:
    c = Card.objects.select_related("batch", "person").filter(pk=pk).first()
    if c is None:
        raise Http404
    # its membership by (id, person_id): Citus joins two distributed tables only on person_id
    m = Membership.objects.filter(pk=c.membership_id, person_id=c.person_id).first()
    if m is not None:
        c.membership = m
    access.require(user, perm, path=c.batch.org_path)
    return c


def get_transfer(user: Any, pk: int, perm: Perm = Perm.VIEW, *, side: str | None = None) -> Transfer:
    """`side` "from"/"to": the user must act for that side; None: either side may look."""
    t = Transfer.objects.select_related("person", "from_org", "to_org").filter(pk=pk).first()
    if t is None:
        raise Http404
    # both memberships are the person's: read them by person_id (one shard on Citus, which refuses
    # a join of two distributed tables on the membership id)
    wanted = [i for i in (t.from_membership_id, t.to_membership_id) if i]
    ms = {m.pk: m for m in Membership.objects.filter(person_id=t.person_id, pk__in=wanted)}
    if t.from_membership_id in ms:
        t.from_membership = ms[t.from_membership_id]
    if t.to_membership_id in ms:
        t.to_membership = ms[t.to_membership_id]
    if side == "from":
        path = t.from_path
    elif side == "to":
        path = t.to_path
    else:
        path = t.from_path if access.in_scope(user, t.from_path) else t.to_path
    access.require(user, perm, path=path)
    return t


def get_transfer_to_answer(user: Any, pk: int, verb: str) -> Transfer:
    """A pending transfer the user may answer: accept/reject for the side that did not start it,
    cancel for the side that did (write right on that side's union)."""
    t = get_transfer(user, pk, Perm.VIEW)
    side = t.answering_side if verb in ("accept", "reject") else t.initiated_by
    return get_transfer(user, pk, Perm.MEMBER_WRITE, side=side)


def get_base_org(user: Any, code: str, perm: Perm = Perm.VIEW) -> Org:
    """A base union (基层工会) in scope; other kinds hold no members."""
    org = access.get_org(user, code, perm)
    if not org.is_base:
        raise Http404
    return org
