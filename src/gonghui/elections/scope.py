"""Getting formation and election objects through the gatekeeper (core.access).

Each helper finds the object, then asks `access.require(user, perm, path=...)` with the path of
the union it belongs to: out of scope → 404, wrong role → 403. Decisions belong to the upper
union: `require_upper` also asks that the union's parent lies in the user's scope (else 403), so
a union never approves its own election or term request.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.elections.models import Document, Election, Formation, Notification, TermRequest
from gonghui.orgs.models import Org


def require_upper(user: Any, perm: Perm, org_path: str) -> None:
    access.require(user, perm, path=org_path)
    parent_path = org_path[: -Org.steplen]
    if not parent_path or not access.in_scope(user, parent_path):
        raise PermissionDenied


def scoped_formations(user: Any) -> QuerySet[Formation]:
    access.require(user, Perm.VIEW)
    return Formation.objects.filter(org_path__startswith=access.scope_path(user))


def scoped_elections(user: Any) -> QuerySet[Election]:
    access.require(user, Perm.VIEW)
    return Election.objects.filter(org_path__startswith=access.scope_path(user))


def scoped_term_requests(user: Any) -> QuerySet[TermRequest]:
    access.require(user, Perm.VIEW)
    return TermRequest.objects.filter(org_path__startswith=access.scope_path(user))


def get_formation(user: Any, pk: int, perm: Perm = Perm.VIEW) -> Formation:
    """A formation belongs to its upper union (`org_path` is the parent's path): its staff
    prepare it, and its reviewers (or those above) decide."""
    f = Formation.objects.select_related("parent", "org", "created_by", "decided_by").filter(pk=pk).first()
    if f is None:
        raise Http404
    access.require(user, perm, path=f.org_path)
    return f


def get_election(user: Any, pk: int, perm: Perm = Perm.VIEW) -> Election:
    e = Election.objects.select_related("org").filter(pk=pk).first()
    if e is None:
        raise Http404
    access.require(user, perm, path=e.org_path)
    return e


def get_election_to_decide(user: Any, pk: int) -> Election:
    e = get_election(user, pk)
    require_upper(user, Perm.REVIEW, e.org_path)
    return e


def get_term_request(user: Any, pk: int, perm: Perm = Perm.VIEW) -> TermRequest:
    r = TermRequest.objects.select_related("org").filter(pk=pk).first()
    if r is None:
        raise Http404
    access.require(user, perm, path=r.org_path)
    return r


def get_term_request_to_decide(user: Any, pk: int) -> TermRequest:
    r = get_term_request(user, pk)
    require_upper(user, Perm.REVIEW, r.org_path)
    return r


def get_document(user: Any, pk: int) -> Document:
    d = Document.objects.filter(pk=pk).first()
    if d is None:
        raise Http404
    access.require(user, Perm.VIEW, path=d.org_path)
    return d


def my_notifications(user: Any) -> QuerySet[Notification]:
    """An account's own notes, and only those still in its scope (an account moved to another
    union no longer reads the old one's)."""
    access.require(user, Perm.VIEW)
    return Notification.objects.filter(recipient=user, org_path__startswith=access.scope_path(user))


def can(user: Any, perm: Perm, path: str) -> bool:
    return access.has_perm(user, perm) and access.in_scope(user, path)


def can_upper(user: Any, perm: Perm, org_path: str) -> bool:
    parent_path = org_path[: -Org.steplen]
    return can(user, perm, org_path) and bool(parent_path) and access.in_scope(user, parent_path)
