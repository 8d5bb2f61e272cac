"""What the election actions share: locking, status checks, the register's counts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import rules
from gonghui.elections.models import (
    Election,
    ElectionStatus,
    PostKind,
    TermRequest,
    TermRequestStatus,
)  # fmt: skip
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import Org

# Near relatives of the employer's principal may not sit on the committee (工会法 art. 10):
# chair and vice-chairs are committee members; the organiser stands in for the committee.
COMMITTEE_POSTS = frozenset({PostKind.COMMITTEE, PostKind.CHAIR, PostKind.VICE_CHAIR, PostKind.ORGANISER})
OPEN_STATUSES = (
    ElectionStatus.SETUP,
    ElectionStatus.VOTING,
    ElectionStatus.TALLIED,
    ElectionStatus.SUBMITTED,
    ElectionStatus.RETURNED,
)


def _u(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def member_count(org: Org) -> int:
    """Current (active) members of the union and the unions below it, from the register."""
    return Membership.objects.filter(org_path__startswith=org.path, status=MembershipStatus.ACTIVE).count()


def members_of(org: Org) -> QuerySet[Membership]:
    return Membership.objects.filter(org_path__startswith=org.path, status=MembershipStatus.ACTIVE)


def _raise(found: list[rules.Problem]) -> None:
    bad = rules.blocking(found)
    if bad:
        raise ApplicationError(
            " ".join(p.message for p in bad), code=bad[0].code, details={"problems": [p.code for p in bad]}
        )


def approved_request(org: Org, kind: str) -> TermRequest | None:
    return (
        org.term_requests.filter(kind=kind, status=TermRequestStatus.APPROVED).order_by("-decided_at").first()
    )


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update(of=("self",)).select_related("org").get(pk=election.pk)


def _in(e: Election, *statuses: str) -> None:
    if e.status not in statuses:
        raise ConflictError(
            _("换届选举当前状态为“%(s)s”，不能进行此操作。") % {"s": e.get_status_display()},
            code="wrong_status",
        )
