"""Issue 18: the home page's 落后 list (one level, furthest behind first, "净减 2" for a unit that lost
members) and overdue supervision notes flagged."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from gonghui.campaigns import selectors

pytestmark = pytest.mark.django_db


def _unit(org: object, gap: float, done: int = 1, target: int = 10) -> SimpleNamespace:
    return SimpleNamespace(org=org, gap=gap, done=done, target=target, pct=round(100 * done / target, 1))


def _campaign(orgs: dict) -> object:
    from gonghui.campaigns.models import Campaign

    today = dt.date.today()
    return Campaign.objects.create(org=orgs["T0001"], org_path=orgs["T0001"].path, name="行动", measure="members",
                                   starts_on=today - dt.timedelta(days=40), ends_on=today + dt.timedelta(days=10),
                                   baseline=100, target_net=10, baseline_on=today - dt.timedelta(days=41))  # fmt: skip


def test_behind_list_is_one_level_sorted_and_says_net_loss(tree, monkeypatch):
    from gonghui.campaigns.models import Campaign

    orgs = tree["orgs"]
    _campaign(orgs)
    units = [
        _unit(orgs["T0003"], 30.0, done=-2, target=1),
        _unit(orgs["T0002"], 5.0),
        _unit(orgs["T0005"], 9.0),
    ]
    monkeypatch.setattr(selectors, "board", lambda *a, **k: SimpleNamespace(time_pct=20.0, behind=units))
    monkeypatch.setattr(selectors, "campaigns_for", lambda scope: Campaign.objects.all())
    out = selectors.behind_for(tree["users"]["county_admin"])
    assert [u.org.code for u in out[0]["units"]] == ["T0005", "T0002"]  # townships only, 9.0 before 5.0
    grassroots = [_unit(orgs["T0003"], 30.0, done=-2, target=1)]
    monkeypatch.setattr(selectors, "board", lambda *a, **k: SimpleNamespace(time_pct=20.0, behind=grassroots))
    html = render_to_string(
        "campaigns/_home_behind.html", {"campaign_behind": selectors.behind_for(tree["users"]["a_clerk"])}
    )
    assert "净减 2" in html and "-200" not in html


def test_overdue_note_flagged(login, tree):
    from django.urls import reverse

    from gonghui.campaigns.models import SupervisionNote

    orgs = tree["orgs"]
    c = _campaign(orgs)
    today = dt.date.today()
    SupervisionNote.objects.create(campaign=c, org=orgs["T0002"], org_path=orgs["T0002"].path, on=today - dt.timedelta(days=20),
                                   findings="进度慢", due_on=today - dt.timedelta(days=3))  # fmt: skip
    page = login("county_admin").get(reverse("campaigns:notes", args=[c.pk])).content.decode()
    assert "已逾期" in page
