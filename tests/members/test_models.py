"""Database rules of the register: one current membership per person, unique numbers, code tables."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from gonghui.members import codes, roll
from gonghui.members.models import CodeItem, Membership, MembershipStatus

pytestmark = pytest.mark.django_db


def _membership(person, org, no, status=MembershipStatus.ACTIVE):
    return roll.added(
        [
            Membership.objects.create(
                person=person,
                org=org,
                org_path=org.path,
                province_code="53",
                member_no=no,
                joined_on=dt.date(2020, 1, 1),
                status=status,
            )
        ]
    )[0]


def test_one_current_membership_is_enforced_by_the_database(register, tree):
    m = register("T0003")
    west = tree["orgs"]["T0006"]
    for status in (MembershipStatus.ACTIVE, MembershipStatus.RETAINED):
        with pytest.raises(IntegrityError), transaction.atomic():
            _membership(m.person, west, f"X-{status}", status)
    # ended memberships are history and may be many
    _membership(m.person, west, "X1", MembershipStatus.LEFT)
    _membership(m.person, west, "X2", MembershipStatus.TRANSFERRED)
    assert m.person.memberships.count() == 3


def test_member_numbers_are_unique_per_union(register, tree):
    m = register("T0003")
    other = register("T0006")
    with pytest.raises(IntegrityError), transaction.atomic():
        _membership(other.person, tree["orgs"]["T0003"], m.member_no, MembershipStatus.LEFT)
    # the same number in another union is fine
    _membership(other.person, tree["orgs"]["T0008"], m.member_no, MembershipStatus.LEFT)


def test_code_tables_are_seeded_by_the_migration():
    assert CodeItem.objects.filter(table=codes.Table.ETHNICITY).count() == 58
    assert codes.label(codes.Table.ETHNICITY, "07") == "彝族"
    groups = dict(codes.choices(codes.Table.NEW_EMPLOYMENT))
    for name in (
        "货车司机",
        "快递员",
        "护工护理员",
        "家政服务员",
        "商场信息员",
        "网约送餐员",
        "房产中介员",
        "保安员",
        "网约车司机",
    ):
        assert name in groups.values()
    assert (
        codes.choices(codes.Table.CHANGE_REASON, parent=codes.EventType.LEAVE)[0][0] == codes.Reason.VOLUNTARY
    )


def test_code_tables_are_configurable_and_fall_back_to_defaults():
    CodeItem.objects.filter(table=codes.Table.NEW_EMPLOYMENT, code="mall_info").update(active=False)
    CodeItem.objects.create(table=codes.Table.NEW_EMPLOYMENT, code="livestream", label="网络主播", sort=999)
    codes.clear_cache()
    assert not codes.is_valid(codes.Table.NEW_EMPLOYMENT, "mall_info")
    assert codes.is_valid(codes.Table.NEW_EMPLOYMENT, "livestream")
    assert codes.label(codes.Table.NEW_EMPLOYMENT, "mall_info") == "商场信息员"  # old rows keep their label
    CodeItem.objects.filter(table=codes.Table.EDUCATION).delete()
    codes.clear_cache()
    assert codes.is_valid(codes.Table.EDUCATION, "20")  # empty table: built-in defaults answer
