"""Tables out (导出): the member roster, employers, the gap list — the same rows for the page, the
API and `gonghui export`. Written in constant memory (xlsxwriter) or as CSV with a BOM; masked
unless the caller holds the reveal right and asks (the caller checks and audits that)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from gonghui.members import exports as member_exports
from gonghui.members.models import CURRENT_STATUSES, Membership
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import Employer, Org

EMPLOYER_HEADERS = [
    "单位名称", "统一社会信用代码", "经济类型", "国民经济行业", "所在政区", "地址", "属地工会", "所属工会", "建会情况", "经营状况",
    "职工数", "会员数", "农民工数", "农民工会员数", "最近摸底日期",
]  # fmt: skip


def members_queryset(org: Org, *, include_history: bool = False) -> QuerySet[Membership]:
    qs = Membership.objects.filter(org_path__startswith=org.path)
    return qs if include_history else qs.filter(status__in=CURRENT_STATUSES)


def member_table(
    org: Org, *, reveal: bool = False, include_history: bool = False
) -> tuple[list[str], Iterator[list[Any]]]:
    return list(member_exports.HEADERS), member_exports.member_rows(
        members_queryset(org, include_history=include_history), reveal=reveal
    )


def _employer_rows(qs: QuerySet[Employer]) -> Iterator[list[Any]]:
    for e in qs.select_related("area_org", "union").iterator(chunk_size=2000):
        yield [
            e.name, e.credit_code or "", e.get_economic_type_display(), e.get_industry_display(), e.region_code, e.address,
            e.area_org.name, e.union.name if e.union else "", e.coverage_label, e.get_operating_status_display(),
            e.employees, e.members, e.migrant_workers, e.migrant_members, e.surveyed_on,
        ]  # fmt: skip


def employer_table(org: Org) -> tuple[list[str], Iterator[list[Any]]]:
    return EMPLOYER_HEADERS, _employer_rows(
        org_selectors.subtree_employers(org).order_by("area_path", "name")
    )


def gap_table(org: Org) -> tuple[list[str], Iterator[list[Any]]]:
    """未建会单位: employers in the subtree that should have a union and have none (the gap list)."""
    return EMPLOYER_HEADERS, _employer_rows(org_selectors.gap_list(org))


TABLES = {"members": member_table, "employers": employer_table, "gaps": gap_table}
SHEET_NAMES = {"members": "会员名册", "employers": "用人单位", "gaps": "未建会单位"}


def table(
    kind: str, org: Org, *, reveal: bool = False, include_history: bool = False
) -> tuple[list[str], Iterator[list[Any]]]:
    if kind == "members":
        return member_table(org, reveal=reveal, include_history=include_history)
    return TABLES[kind](org)  # type: ignore[operator]
