"""Getting campaigns and their units through the gatekeeper (core.access).

A campaign belongs to its lead union (`Campaign.org`). Who sees it:
* a user whose scope holds the lead union sees the whole campaign and, with the right, runs it;
* a user whose union sits inside the campaign (a township under a county campaign) sees their own
  part — their unit's share, progress and notes — and, with the right, splits their own share
  further; they cannot change the campaign itself.
Anyone else: 404 (nothing leaks). Wrong role: 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gonghui.campaigns import selectors
from gonghui.campaigns.models import Campaign, SupervisionNote, WorkGroup
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.orgs.models import Org


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    access.require(user, Perm.VIEW)
    return selectors.campaigns_for(access.scope_path(user))


def get_campaign_view(user: Any, pk: int) -> tuple[Campaign, Org]:
    """The campaign and the highest unit of it the user sees (the lead union, or the user's own)."""
    campaign = Campaign.objects.select_related("org").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    scope = access.scope_path(user)
    if campaign.org_path.startswith(scope):
        access.require(user, Perm.VIEW, path=campaign.org_path)
        return campaign, campaign.org
    if scope.startswith(campaign.org_path):
        access.require(user, Perm.VIEW, path=scope)
        return campaign, user.org
    raise Http404


def get_campaign(user: Any, pk: int, perm: Perm) -> Campaign:
    """The campaign itself, for acts on the whole of it: the lead union must be in scope."""
    campaign = Campaign.objects.select_related("org").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    access.require(user, perm, path=campaign.org_path)
    return campaign


def get_unit(user: Any, campaign: Campaign, code: str, perm: Perm = Perm.VIEW) -> Org:
    """A unit of the campaign (the lead union or below) that is in the user's scope."""
    org = access.get_org(user, code, perm)
    if not org.path.startswith(campaign.org_path):
        raise Http404
    return org


def get_group(user: Any, campaign: Campaign, pk: int) -> WorkGroup:
    group = WorkGroup.objects.filter(campaign=campaign, pk=pk).first()
    if group is None:
        raise Http404
    return group


def get_note(user: Any, campaign: Campaign, pk: int, perm: Perm = Perm.VIEW) -> SupervisionNote:
    note = SupervisionNote.objects.select_related("org", "group").filter(campaign=campaign, pk=pk).first()
    if note is None:
        raise Http404
    access.require(user, perm, path=note.org_path)
    return note
