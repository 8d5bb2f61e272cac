"""Care lists (pages and API) run a fixed number of queries however many rows they show (issue 12:
query-count tests for every list, page and API).

Rows are written with the ORM directly (many of them, quickly); the pages only read them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)
YEAR = dt.date.today().year


@pytest.fixture
def care_rows(tree: dict[str, Any]) -> Any:
    """care_rows(n): n more people in 东镇 (T0003, T0004 alternately), each with an open hardship
    file (two causes), an aid record, a place on the round's list (two in three; the others are
    eligible), a place on the course, a 劳模 title and a care record. Returns the round and the course."""
    from gonghui.care.models import (
        AidProgramme,
        Assistance,
        FileCause,
        HardshipFile,
        ModelWorkerCare,
        ModelWorkerTitle,
        ProgrammeEntry,
        Trainee,
        TrainingCourse,
    )  # fmt: skip
    from gonghui.core import ids
    from gonghui.members import actions, roll
    from gonghui.members.models import Membership, Person

    east = tree["orgs"]["T0002"]
    p = AidProgramme.objects.create(name="金秋助学", type="schooling", year=YEAR, amount_per_person=Decimal("1000"),
                                    source="own", org=east, org_path=east.path, province_code="53")  # fmt: skip
    c = TrainingCourse.objects.create(title="焊工培训", trade="焊工", starts_on=dt.date(YEAR, 1, 5), ends_on=dt.date(YEAR, 1, 9),
                                      place="县城", provider="职校", cost=Decimal("3000"), org=east, org_path=east.path,
                                      province_code="53")  # fmt: skip

    def grow(n: int) -> tuple[Any, Any]:
        for _ in range(n):
            i = next(_seq)
            org = tree["orgs"]["T0003" if i % 2 else "T0004"]
            scope = {"org": org, "org_path": org.path, "province_code": "53"}
            number = ids.make_id_number(
                "530326", dt.date(1980, 1, 1) + dt.timedelta(days=i * 3), (i * 2 + 1) % 1000
            )
            person = Person.objects.create(name=f"职工{i}", province_code="53", is_migrant=True,
                                           **actions._pii_columns(ids.parse_id_number(number), ""))  # fmt: skip
            roll.added(
                [
                    Membership.objects.create(
                        person=person, member_no=f"{org.code}{i:06d}", joined_on=dt.date(2015, 1, 1), **scope
                    )
                ]
            )
            f = HardshipFile.objects.create(person=person, file_no=f"KN{YEAR}{i:07d}", category="deep", household_size=4,
                                            household_income=Decimal("1600"), income_per_capita=Decimal("400"),
                                            children_in_school=1, opened_on=dt.date(YEAR - 1, 3, 1), **scope)  # fmt: skip
            FileCause.objects.bulk_create(
                [FileCause(file=f, cause="illness"), FileCause(file=f, cause="schooling")]
            )
            Assistance.objects.create(person=person, file=f, type="living", amount=Decimal("500"), given_on=dt.date(YEAR, 1, 2),
                                      source="own", **scope)  # fmt: skip
            if i % 3:  # the others stay on the round's eligibility list
                ProgrammeEntry.objects.create(
                    programme=p, file=f, person=person, amount=Decimal("1000"), **scope
                )
            Trainee.objects.create(course=c, person=person, is_migrant=True, **scope)
            t = ModelWorkerTitle.objects.create(
                person=person, level="county", year=2020, title="县劳动模范", **scope
            )
            ModelWorkerCare.objects.create(
                title=t, person=person, kind="visit", on=dt.date(YEAR, 1, 3), **scope
            )
        return p, c

    return grow


def _count(fn: Any) -> int:
    fn()  # warm caches (code tables, session)
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.content[:300]
    # the session row is saved when its expiry is refreshed, whatever the page shows
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


PAGES = [
    ("care:index", None),
    ("care:files", None),
    ("care:aid", None),
    ("care:programmes", None),
    ("care:programme_detail", "programme"),
    ("care:programme_eligible", "programme"),
    ("care:courses", None),
    ("care:course_detail", "course"),
    ("care:models", None),
]


@pytest.mark.parametrize("name, arg", PAGES)
def test_care_pages_have_a_fixed_query_count(
    tree: dict[str, Any], login: Any, care_rows: Any, name: str, arg: str | None
) -> None:
    c = login("east_admin")
    p, course = care_rows(3)  # one row of each kind at least
    args = {"programme": [p.pk], "course": [course.pk], None: []}[arg]
    url = reverse(name, args=args)
    few = _count(lambda: c.get(url))
    care_rows(25)
    many = _count(lambda: c.get(url))
    assert few == many, f"{name}: {few} queries with 3 rows, {many} with 28"


API = [
    "/api/v1/care/files",
    "/api/v1/care/aid",
    "/api/v1/care/programmes",
    "/api/v1/care/programmes/{p}/entries",
    "/api/v1/care/programmes/{p}/eligible",
    "/api/v1/care/courses",
    "/api/v1/care/courses/{c}/trainees",
    "/api/v1/care/model-workers",
]


@pytest.mark.parametrize("url", API)
def test_care_api_lists_have_a_fixed_query_count(
    tree: dict[str, Any], client: Any, api_token: Any, care_rows: Any, url: str
) -> None:
    auth = api_token("east_admin")
    p, course = care_rows(3)  # one row of each kind at least
    full = url.format(p=p.pk, c=course.pk)
    few = _count(lambda: client.get(full, **auth))
    care_rows(25)
    many = _count(lambda: client.get(full, **auth))
    assert few == many, f"{url}: {few} queries with 3 rows, {many} with 28"
