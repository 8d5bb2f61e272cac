"""Issue 18: safe defaults (move, new org, employer, election date) and no dead links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _selected(page: str, name: str) -> list[str]:
    select = page.split(f'name="{name}"')[1].split("</select>")[0]
    return [
        part.split('"')[1] for part in select.split("<option value=")[1:] if "selected" in part.split(">")[0]
    ]


def test_move_form_preselects_the_current_parent(login, tree):
    page = login("county_admin").get(reverse("orgs:move", args=["T0003"])).content.decode()
    assert _selected(page, "parent") == ["T0002"]


def test_new_org_and_employer_require_a_choice(login, tree):
    c = login("county_admin")
    page = c.get(reverse("orgs:create_child", args=["T0001"])).content.decode()
    assert _selected(page, "kind") in ([""], [])
    page = c.get(reverse("orgs:employer_create")).content.decode()
    assert _selected(page, "economic_type") in ([""], []) and _selected(page, "industry") in ([""], [])
    assert 'value="" selected' in page.split('name="economic_type"')[1].split("</select>")[0]


def test_election_date_is_never_a_past_default(login, tree):
    from gonghui.orgs.models import Org

    Org.objects.filter(code="T0003").update(
        term_number=1, term_start=dt.date(2020, 1, 1), term_end=dt.date(2025, 1, 1)
    )
    page = login("county_admin").get(reverse("elections:election_new", args=["T0003"])).content.decode()
    value = page.split('name="meeting_date"')[1].split('value="')[1].split('"')[0]
    assert value >= dt.date.today().isoformat()


def test_grassroots_clerk_sees_unions_out_of_scope_named_not_linked(login, tree):
    """D18: a grassroots clerk's employer page names the township union without a link."""
    e = tree["employers"]["甲公司"]
    page = login("a_clerk").get(reverse("orgs:employer_detail", args=[e.pk])).content.decode()
    assert "东镇总工会" in page and reverse("orgs:detail", args=["T0002"]) not in page
    assert reverse("orgs:detail", args=["T0003"]) in page  # its own union stays a link


def test_county_poster_opens_for_a_township_user(login, tree):
    """D5: the join-codes page lists the county-wide entry; its poster and PNG open for everyone."""
    c = login("east_clerk")
    assert "T0001" in c.get(reverse("members:qr_codes")).content.decode()
    assert c.get(reverse("members:qr_poster", args=["T0001"])).status_code == 200
    assert c.get(reverse("members:qr_png", args=["T0001"])).status_code == 200
    assert c.get(reverse("members:qr_png", args=["T0006"])).status_code == 404  # a sibling's stays out
