"""The campaign list's figures (one aggregate for all campaigns) equal each campaign's own."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.campaigns import selectors
from gonghui.campaigns.models import Measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("on", [dt.date(2025, 9, 1), dt.date(2026, 2, 15), dt.date(2026, 12, 1)])
def test_roots_done_equals_root_done_for_every_measure(register_story, make_campaign, on):
    tree = register_story
    campaigns = [make_campaign(name=f"行动{m}", measure=m) for m in Measure.values]
    campaigns += [make_campaign("T0002", name="东镇行动", measure=Measure.MEMBERS)]
    rows = [(c, tree["orgs"][code]) for c in campaigns for code in ("T0001", "T0002", "T0003", "T0006")]
    rows = [(c, root) for c, root in rows if root.path.startswith(c.org_path)]
    many = {}
    for c, root in rows:  # one call per root: the dict is keyed by campaign
        many.update(selectors.roots_done([(c, root)], on=on))
        assert many[c.pk] == selectors.root_done(c, root, on=on), (c.measure, root.code, on)
    together = selectors.roots_done(
        [(c, tree["orgs"]["T0001"]) for c in campaigns if c.org_path == tree["orgs"]["T0001"].path], on=on
    )
    for c in campaigns:
        if c.pk in together:
            assert together[c.pk] == selectors.root_done(c, tree["orgs"]["T0001"], on=on), c.measure
    if on == dt.date(2026, 12, 1):
        assert any(v for v in together.values())  # the story has joins in the period: not all zero
