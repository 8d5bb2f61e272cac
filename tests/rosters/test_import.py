"""What an import writes: the register's own rules in bulk (tests/rosters/test_corpus.py has the
refusals). Idempotence, update vs skip, former members, numbers, events, counters, applications."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.rosters.conftest import HEADER, issues_of, new_id, person_row, write_xlsx_rows


def _file(tmp_path: Path, rows: list[list[Any]], name: str = "r.xlsx") -> Path:
    return write_xlsx_rows(tmp_path / name, [HEADER, *rows])


def test_import_creates_persons_memberships_and_join_events(
    tmp_path: Path, run_import: Any, tree: dict[str, Any]
) -> None:
    from gonghui.core import pii
    from gonghui.members.actions import format_member_no
    from gonghui.members.models import Counter, Membership, MembershipEvent, Person

    numbers = [new_id(male=i % 2 == 0) for i in range(5)]
    rows = [person_row(i + 1, id=n) for i, n in enumerate(numbers)]
    rows[1][6] = "非农业户口"
    job = run_import(_file(tmp_path, rows))
    assert (job.status, job.rows_done, job.created, job.refused) == ("done", 5, 5, 0)
    org = tree["orgs"]["T0003"]
    ms = list(Membership.objects.filter(org=org).select_related("person").order_by("member_no"))
    assert [m.member_no for m in ms] == [
        format_member_no(org, n) for n in range(1, 6)
    ]  # the register's numbers, gap-free
    assert Counter.objects.get(org=org, kind="member_no").value == 5
    # numbers follow the roster's order
    assert [pii.decrypt(m.person.id_cipher, context="id_number") for m in ms] == numbers
    p = ms[0].person
    assert (p.id_masked, p.gender, p.birthplace_code, p.province_code) == (
        numbers[0][:4] + "*" * 10 + numbers[0][-4:],
        "M",
        "530326",
        "53",
    )
    assert p.id_index == pii.blind_index(numbers[0], context="id_number")
    assert (
        p.phone_masked.startswith("138****") and pii.decrypt(p.phone_cipher, context="phone") == "13800130001"
    )
    assert (p.ethnicity, p.education, p.hukou_type, p.is_migrant) == ("01", "70", "agri", True)
    assert ms[1].person.is_migrant is False
    assert p.employer_id == tree["employers"]["甲公司"].pk  # 工作单位 linked to the union's employer record
    assert (ms[0].joined_on, ms[0].status, ms[0].channel) == (dt.date(2020, 3, 1), "active", "roster")
    ev = MembershipEvent.objects.get(membership=ms[0])
    assert (ev.type, ev.reason, ev.on, ev.to_org_id, ev.user.username) == (
        "join",
        "apply",
        dt.date(2020, 3, 1),
        org.pk,
        "east_clerk",
    )
    assert f"名册导入 #{job.pk}" in ev.note
    assert Person.objects.count() == 5


def test_the_same_file_twice_creates_nobody_twice(tmp_path: Path, run_import: Any) -> None:
    """The idempotence test: a re-run finds everyone by blind index."""
    from gonghui.members.models import Membership, MembershipEvent, Person

    path = _file(tmp_path, [person_row(i) for i in range(1, 31)])
    first = run_import(path)
    assert (first.created, first.unchanged) == (30, 0)
    before = (Person.objects.count(), Membership.objects.count(), MembershipEvent.objects.count())
    again = run_import(path)
    assert (again.rows_done, again.created, again.updated, again.unchanged, again.refused) == (
        30,
        0,
        0,
        30,
        0,
    )
    skip = run_import(path, mode="skip")
    assert (skip.created, skip.unchanged) == (0, 30)
    assert (Person.objects.count(), Membership.objects.count(), MembershipEvent.objects.count()) == before


def test_existing_members_updated_or_skipped_as_chosen(tmp_path: Path, run_import: Any) -> None:
    from gonghui.core import pii
    from gonghui.members.models import Person

    number = new_id()
    run_import(_file(tmp_path, [person_row(1, id=number, phone="13800000001", education="初中")], "a.xlsx"))
    changed = _file(
        tmp_path, [person_row(1, id=number, phone="13900000009", education="本科", hukou="")], "b.xlsx"
    )
    dry = run_import(changed, dry_run=True, mode="skip")
    assert (dry.updated, dry.unchanged) == (0, 1)
    dry = run_import(changed, dry_run=True)
    assert (dry.updated, dry.unchanged) == (1, 0)
    p = Person.objects.get()
    assert p.education == "70"  # a dry run writes nothing
    job = run_import(changed)
    assert job.updated == 1
    p.refresh_from_db()
    assert (p.education, pii.decrypt(p.phone_cipher, context="phone"), p.hukou_type) == (
        "20",
        "13900000009",
        "agri",
    )  # empty cell keeps


def test_a_former_member_joins_again_keeping_the_person(
    tmp_path: Path, run_import: Any, tree: dict[str, Any]
) -> None:
    from gonghui.members import actions as ma
    from gonghui.members.models import Membership, Person

    number = new_id()
    m = ma.member_register(
        user=tree["users"]["county_admin"], org=tree["orgs"]["T0006"], name="旧名", id_number=number
    )
    ma.membership_leave(user=tree["users"]["county_admin"], membership=m, on=dt.date.today())
    job = run_import(_file(tmp_path, [person_row(1, id=number, name="新名")]))
    assert job.created == 1
    assert Person.objects.count() == 1 and Person.objects.get().name == "新名"
    assert (
        Membership.objects.filter(person__id_index=m.person.id_index, status="active").get().org.code
        == "T0003"
    )


def test_open_application_of_an_imported_person_is_closed(
    tmp_path: Path, run_import: Any, tree: dict[str, Any]
) -> None:
    from gonghui.members import actions as ma

    number = new_id()
    app = ma.application_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0003"], channel="paper", consent_version="paper",
                                name="张三", id_number=number)  # fmt: skip
    run_import(_file(tmp_path, [person_row(1, id=number)]))
    app.refresh_from_db()
    assert app.status == "approved" and app.membership.org.code == "T0003"


def test_statistics_counters_move_with_the_batches(tmp_path: Path, run_import: Any) -> None:
    reports = pytest.importorskip("gonghui.reports.counters")
    run_import(
        _file(tmp_path, [person_row(i, hukou="农业户口" if i % 3 else "非农业户口") for i in range(1, 13)])
    )
    assert reports.verify() == []


def test_import_into_a_township_union_by_the_union_column(
    tmp_path: Path, run_import: Any, tree: dict[str, Any]
) -> None:
    from gonghui.members.models import Membership

    rows = [
        ["姓名", "身份证号码", "工会代码"],
        ["张三", new_id(), "T0003"],
        ["李四", new_id(), "东镇联合工会"],
        ["王五", new_id(), "T0006"],  # 西镇: not under 东镇
        ["赵六", new_id(), ""],
    ]
    job = run_import(write_xlsx_rows(tmp_path / "t.xlsx", rows), org="T0002", user="east_admin")
    assert job.created == 2
    assert sorted(Membership.objects.values_list("org__code", "member_no")) == [
        ("T0003", "T0003000001"),
        ("T0004", "T0004000001"),
    ]
    found = issues_of(job)
    assert found[0][:2] == (4, "工会代码") and "不是本次导入范围内的基层工会" in found[0][2]
    assert found[1][:2] == (5, "工会代码") and "未填写所在基层工会" in found[1][2]


def test_a_township_import_needs_the_union_column(tmp_path: Path, run_import: Any) -> None:
    from gonghui.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="工会代码"):
        run_import(_file(tmp_path, [person_row(1)]), org="T0002", user="east_admin")


def test_scope_and_role_are_checked(tmp_path: Path, run_import: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    path = _file(tmp_path, [person_row(1)])
    with pytest.raises(Http404):
        run_import(path, org="T0006", user="east_clerk")
    with pytest.raises(PermissionDenied):
        run_import(path, user="east_viewer")


def test_the_reader_process_gives_the_same_result(tmp_path: Path, run_import: Any, settings: Any) -> None:
    """Large files read in a forked reader process: same decisions, same numbers."""
    from gonghui.members.models import Membership

    settings.GONGHUI_IMPORT_BATCH_ROWS = 7
    number = new_id()
    rows = [person_row(i) for i in range(1, 40)] + [
        person_row(40, id=number),
        person_row(41, id=number),
        person_row(42, phone="12"),
    ]
    job = run_import(_file(tmp_path, rows), parallel=True)
    assert (job.rows_done, job.created, job.refused) == (42, 40, 2)
    assert [r for r, _c, _m in issues_of(job)] == [42, 43]
    assert Membership.objects.count() == 40 and job.last_row == 43


def test_error_file_has_the_original_rows_and_the_reasons(tmp_path: Path, run_import: Any) -> None:
    from python_calamine import CalamineWorkbook

    rows = [
        ["会员花名册"],
        HEADER,
        person_row(1),
        person_row(2, id="5.30326E+17"),
        person_row(3, phone="123", joined="2016-02-30"),
    ]
    job = run_import(write_xlsx_rows(tmp_path / "e.xlsx", rows))
    assert job.error_file.endswith("e.错误行.xlsx")
    data = CalamineWorkbook.from_path(job.error_file).get_sheet_by_index(0).to_python()
    assert data[0] == [*HEADER, "原行号", "错误原因"]
    assert [r[len(HEADER)] for r in data[1:]] == [4.0, 5.0]
    assert data[1][2] == "5.30326E+17"
    assert "【公民身份号码】" in data[1][-1] and "科学计数法" in data[1][-1]
    assert "【手机号码】" in data[2][-1] and "；【入会日期】" in data[2][-1]


def test_cancel_stops_between_batches_and_resume_finishes_exactly(
    tmp_path: Path, tree: dict[str, Any], settings: Any
) -> None:
    from gonghui.members.models import Membership
    from gonghui.rosters import actions
    from gonghui.rosters.models import ImportJob

    settings.GONGHUI_IMPORT_BATCH_ROWS = 5
    path = _file(tmp_path, [person_row(i) for i in range(1, 23)])
    job = actions.roster_import_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0003"], path=str(path), source_name="r.xlsx",
                                       uploaded=False, dry_run=False)  # fmt: skip
    seen = []

    def progress(j: Any) -> None:
        seen.append(j.rows_done)
        if j.rows_done == 10:
            ImportJob.objects.filter(pk=j.pk).update(cancel_requested=True)

    job = actions.roster_import_run(job_id=job.pk, progress=progress, parallel=False)
    assert job.status == "cancelled" and job.rows_done == 10 and Membership.objects.count() == 10
    assert "已保存 10 行" in job.message
    job = actions.roster_import_run(job_id=job.pk, resume=True, parallel=False)
    assert (job.status, job.rows_done, job.created) == ("done", 22, 22)
    assert Membership.objects.count() == 22
    assert seen[:2] == [5, 10]


def test_the_bulk_path_writes_every_column_of_the_register() -> None:
    """The import inserts rows with plain SQL: a column added to the register must be added here."""
    from gonghui.members.models import Membership, MembershipEvent, Person
    from gonghui.rosters import engine

    for model, cols in (
        (Person, engine.PERSON_COLUMNS),
        (Membership, engine.MEMBERSHIP_COLUMNS),
        (MembershipEvent, engine.EVENT_COLUMNS),
    ):
        missing = {f.attname for f in model._meta.concrete_fields if not f.primary_key} - set(cols)
        assert not missing, f"{model.__name__}: rosters/engine.py does not write {missing}"


def test_member_numbers_use_the_registers_format(
    tmp_path: Path, run_import: Any, tree: dict[str, Any]
) -> None:
    from gonghui.members.actions import format_member_no, next_number
    from gonghui.members.models import Counter, Membership

    run_import(_file(tmp_path, [person_row(1), person_row(2)]))
    org = tree["orgs"]["T0003"]
    assert next_number(org, Counter.MEMBER_NO) == 3  # the register's own counter continues after the import
    assert set(Membership.objects.values_list("member_no", flat=True)) == {
        format_member_no(org, 1),
        format_member_no(org, 2),
    }
