"""Path values and API bodies for the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py).

Imported by tests/care/conftest.py. Objects are written with the ORM directly, not through the
actions, so the audit log the viewer test compares stays untouched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.accounts import test_gatekeeper as gk


def _objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    from django.core.files.base import ContentFile

    from gonghui.care.models import (
        AidProgramme,
        HardshipDocument,
        HardshipFile,
        ModelWorkerTitle,
        ProgrammeEntry,
        Trainee,
        TrainingCourse,
    )  # fmt: skip
    from gonghui.core import ids
    from gonghui.members import actions, roll
    from gonghui.members.models import Membership, Person

    org = tree["orgs"]["T0003" if inside else "T0006"]
    scope = {"org": org, "org_path": org.path, "province_code": "53"}
    number = ids.make_id_number("530326", dt.date(1981, 2, 3), 201 if inside else 203)
    cols = actions._pii_columns(ids.parse_id_number(number), "")
    person = Person.objects.create(name="门禁甲", province_code="53", is_migrant=True, **cols)
    m = Membership.objects.create(person=person, org=org, org_path=org.path, province_code="53", member_no=f"{org.code}888888",
                                  joined_on=dt.date(2020, 1, 1))  # fmt: skip
    roll.add([m])
    f = HardshipFile.objects.create(person=person, file_no=f"KN-GK-{org.code}", category="deep", household_size=3,
                                    household_income=Decimal("900"), income_per_capita=Decimal("300"), children_in_school=1,
                                    opened_on=dt.date(2025, 1, 1), **scope)  # fmt: skip
    doc = HardshipDocument(
        file=f, kind="income", original_name="证明.pdf", content_type="application/pdf", size=9
    )
    doc.stored.save(f"care/gk/{org.code}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    p = AidProgramme.objects.create(
        name="门禁金秋助学",
        type="schooling",
        year=2026,
        amount_per_person=Decimal("1000"),
        source="own",
        **scope,
    )
    c = TrainingCourse.objects.create(title="门禁培训", trade="电工", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 9),
                                      place="县城", provider="学校", cost=Decimal("1000"), **scope)  # fmt: skip
    trainee = Trainee.objects.create(course=c, person=person, is_migrant=True, **scope)
    entry = ProgrammeEntry.objects.create(programme=p, file=f, person=person, amount=Decimal("1000"), **scope)
    t = ModelWorkerTitle.objects.create(
        person=person, level="county", year=2020, title="会泽县劳动模范", **scope
    )
    values["care"] = {
        "code": org.code,
        "file_id": f.pk,
        "doc_id": doc.pk,
        "programme_id": p.pk,
        "course_id": c.pk,
        "title_id": t.pk,
    }
    values["api"].update(file_id=f.pk, programme_id=p.pk, course_id=c.pk, title_id=t.pk, care_member_id=m.pk)
    values["ids"].update(care_file=f.pk, care_entry=entry.pk, care_trainee=trainee.pk)


if _objects not in gk.EXTRA_VALUES:
    gk.EXTRA_VALUES.append(_objects)

_HOUSEHOLD = {"category": "deep", "household_size": 3, "household_income": "900", "causes": ["illness"]}
gk.API_BODIES.update({
    "care/files": {"member_id": "{care_member_id}", **_HOUSEHOLD},
    "care/files/{file_id}": _HOUSEHOLD,
    "care/files/{file_id}/reviews": {"year": 2026, "reviewed_on": "2026-03-01", "outcome": "keep", "category": "deep",
                                     "household_size": 3, "household_income": "900"},
    "care/aid": {"file_id": "{file_id}", "type": "living", "amount": "500", "given_on": "2026-01-05", "source": "own"},
    "care/programmes": {"org": "{code}", "name": "门禁", "type": "schooling", "year": 2026, "amount_per_person": "1000", "source": "own"},
    "care/programmes/{programme_id}/entries": {},
    "care/programmes/{programme_id}/payments": {"paid_on": "2026-01-05"},
    "care/programmes/{programme_id}/close": {},
    "care/courses": {"org": "{code}", "title": "门禁", "trade": "电工", "starts_on": "2026-01-05", "ends_on": "2026-01-09",
                     "place": "县城", "provider": "学校", "cost": "1000"},
    "care/courses/{course_id}/trainees": {"member_ids": [1]},
    "care/courses/{course_id}/completions": {"completed_on": "2026-01-09", "trainees": [{"trainee_id": 1}]},
    "care/model-workers": {"member_id": "{care_member_id}", "level": "county", "year": 2020, "title": "会泽县劳动模范"},
    "care/model-workers/{title_id}/care": {"kind": "visit", "on": "2026-01-05"},
})  # fmt: skip
