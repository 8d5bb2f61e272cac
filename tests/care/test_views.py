"""The pages: each renders, each form runs its one action and redirects, exports are xlsx."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from gonghui.care import actions
from gonghui.care.models import (
    Assistance,
    EntryStatus,
    HardshipFile,
    ModelWorkerTitle,
    ProgrammeEntry,
    Trainee,
)
from gonghui.core.models import AuditEntry
from tests.care.conftest import new_id

pytestmark = pytest.mark.django_db


def _xlsx_rows(resp: Any) -> list[list[Any]]:
    return (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(resp.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )


def test_every_page_renders_for_an_admin(
    client: Any, tree: dict[str, Any], hardship: Any, member: Any
) -> None:
    f = hardship("T0003", children=1)
    admin = tree["users"]["east_admin"]
    p = actions.programme_create(user=admin, org=tree["orgs"]["T0002"], name="2026年金秋助学", type="schooling", year=2026,
                                 amount_per_person="1000", source="own")  # fmt: skip
    c = actions.course_create(user=admin, org=tree["orgs"]["T0002"], title="电工培训", trade="电工", starts_on=dt.date(2026, 3, 1),
                              ends_on=dt.date(2026, 3, 5), place="县城", provider="职校", cost="1000")  # fmt: skip
    t = actions.title_register(
        user=admin, membership=member("T0003", name="劳模甲"), level="city", year=2018, title="曲靖市劳动模范"
    )
    client.force_login(admin)
    urls = [
        "/care/", "/care/files/", "/care/files/?status=all&category=deep&cause=illness&due=1&q=李", "/care/files/new/",
        f"/care/files/{f.pk}/", f"/care/files/{f.pk}/edit/", f"/care/files/{f.pk}/review/", f"/care/files/{f.pk}/documents/",
        f"/care/files/{f.pk}/aid/", "/care/aid/", "/care/aid/?year=2025&type=living&source=own", "/care/aid/new/",
        "/care/programmes/", "/care/programmes/new/", f"/care/programmes/{p.pk}/", f"/care/programmes/{p.pk}/eligible/",
        "/care/training/", "/care/training/?year=2026&q=电工", "/care/training/new/", f"/care/training/{c.pk}/",
        f"/care/training/{c.pk}/edit/", f"/care/training/{c.pk}/trainees/", "/care/model-workers/", "/care/model-workers/new/",
        f"/care/model-workers/{t.pk}/", f"/care/model-workers/{t.pk}/care/", "/care/report/T0002/", "/care/report/T0003/?year=2016",
    ]  # fmt: skip
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, url
    assert "服务职工" in client.get("/").content.decode()  # the nav link
    for url in ("/care/files/export.xlsx", f"/care/programmes/{p.pk}/list.xlsx", f"/care/training/{c.pk}/trainees.xlsx",
                "/care/report/T0002/report.xlsx?year=2026"):  # fmt: skip
        resp = client.get(url)
        assert resp.status_code == 200 and resp["Content-Type"].endswith("spreadsheetml.sheet"), url
    assert AuditEntry.objects.filter(action__startswith="export.care").count() == 4


def test_open_a_file_by_member_number_or_id_number(client: Any, tree: dict[str, Any], member: Any) -> None:
    number = new_id()
    m = member("T0003", name="钱七", id_number=number)
    client.force_login(tree["users"]["east_admin"])
    data = {"member": number.lower(), "opened_on": "2026-02-01", "category": "relative", "household_size": "4", "household_income": "3000",
            "causes": ["schooling", "low_income"], "children_in_school": "2", "situation": "两个孩子读书"}  # fmt: skip
    resp = client.post("/care/files/new/", data)
    f = HardshipFile.objects.get(person=m.person)
    assert resp.status_code == 302 and resp["Location"] == f"/care/files/{f.pk}/"
    assert str(f.income_per_capita) == "750.00" and f.children_in_school == 2
    # a member of another township is "not found" (nothing leaks), as is a made-up number
    other = member("T0006", name="孙八")
    for raw in (other.member_no, "T0003999998"):
        resp = client.post("/care/files/new/", {**data, "member": raw})
        assert resp.status_code == 200 and "没有这名会员" in resp.content.decode()
    resp = client.post("/care/files/new/", {**data, "member": m.member_no})
    assert "已有在档" in resp.content.decode()


def test_review_and_aid_forms(client: Any, tree: dict[str, Any], hardship: Any) -> None:
    f = hardship("T0003", opened_on=dt.date(2025, 1, 2))
    client.force_login(tree["users"]["east_admin"])
    resp = client.post(
        f"/care/files/{f.pk}/aid/",
        {"type": "medical", "amount": "3000", "given_on": "2026-03-01", "source": "acftu"},
    )
    assert resp.status_code == 302 and Assistance.objects.get(file=f).amount == 3000
    resp = client.post(f"/care/files/{f.pk}/review/", {"year": "2026", "reviewed_on": "2026-04-01", "outcome": "relieved",
                                                       "category": "relative", "household_size": "4", "household_income": "8000"})  # fmt: skip
    assert resp.status_code == 200 and "原因" in resp.content.decode()
    resp = client.post(f"/care/files/{f.pk}/review/", {"year": "2026", "reviewed_on": "2026-04-01", "outcome": "relieved", "note": "再就业",
                                                       "category": "relative", "household_size": "4", "household_income": "8000"})  # fmt: skip
    assert resp.status_code == 302
    f.refresh_from_db()
    assert f.status == "relieved"
    page = client.get(f"/care/files/{f.pk}/").content.decode()
    assert "已解困脱困" in page and "再就业" in page


def test_schooling_round_by_pages(client: Any, tree: dict[str, Any], hardship: Any) -> None:
    a, b = hardship("T0003", name="甲家", children=1), hardship("T0004", name="乙家", children=2)
    hardship("T0003", name="丙家", children=0)
    client.force_login(tree["users"]["east_admin"])
    resp = client.post("/care/programmes/new/", {"org": "T0002", "name": "2026年金秋助学", "type": "schooling", "year": "2026",
                                                 "amount_per_person": "2000", "source": "donation"})  # fmt: skip
    assert resp.status_code == 302
    pid = int(resp["Location"].rstrip("/").split("/")[-1])
    eligible = client.get(f"/care/programmes/{pid}/eligible/").content.decode()
    assert "甲家" in eligible and "乙家" in eligible and "丙家" not in eligible
    assert client.post(f"/care/programmes/{pid}/eligible/", {"file": [a.pk]}).status_code == 302
    assert client.post(f"/care/programmes/{pid}/eligible/", {"all": "1"}).status_code == 302
    entries = {e.file_id: e for e in ProgrammeEntry.objects.filter(programme_id=pid)}
    assert set(entries) == {a.pk, b.pk}
    client.post(
        f"/care/programmes/{pid}/entries/",
        {"op": "pay", "entry": [entries[a.pk].pk], "paid_on": "2026-09-10"},
    )
    detail = client.get(f"/care/programmes/{pid}/").content.decode()
    assert "2,000.00" in detail  # paid so far
    client.post(f"/care/programmes/{pid}/entries/", {"op": "pay_all", "paid_on": "2026-09-11"})
    assert ProgrammeEntry.objects.filter(programme_id=pid, status=EntryStatus.PAID).count() == 2
    rows = _xlsx_rows(client.get(f"/care/programmes/{pid}/list.xlsx"))
    assert rows[0][1] == "姓名" and {r[1] for r in rows[1:]} == {"甲家", "乙家"}
    assert client.post(f"/care/programmes/{pid}/close/").status_code == 302


def test_course_trainees_from_a_pasted_list(client: Any, tree: dict[str, Any], member: Any) -> None:
    client.force_login(tree["users"]["east_clerk"])
    resp = client.post("/care/training/new/", {"org": "T0002", "title": "2016年农民工电工培训", "trade": "电工", "starts_on": "2016-04-01",
                                               "ends_on": "2016-04-08", "place": "县职校", "provider": "县职校", "cost": "900",
                                               "source": "own", "for_migrants": "on"})  # fmt: skip
    assert resp.status_code == 302
    cid = int(resp["Location"].rstrip("/").split("/")[-2])
    n1 = new_id()
    m1, m2 = member("T0003", name="学一", id_number=n1), member("T0004", name="学二")
    resp = client.post(
        f"/care/training/{cid}/trainees/", {"members": f"{m1.member_no}\n\nnobody\n{m2.member_no}"}
    )
    assert resp.status_code == 200 and "第 3 行" in resp.content.decode()
    resp = client.post(f"/care/training/{cid}/trainees/", {"members": f"{n1}\n{m2.member_no}"})
    assert resp.status_code == 302
    ts = list(Trainee.objects.filter(course_id=cid).order_by("id"))
    resp = client.post(f"/care/training/{cid}/progress/", {"op": "complete", "trainee": [ts[0].pk], "completed_on": "2016-04-08",
                                                           f"cert_{ts[0].pk}": "HZ2016-0001"})  # fmt: skip
    assert resp.status_code == 302
    page = client.get(f"/care/training/{cid}/").content.decode()
    assert "HZ2016-0001" in page and "450.00" in page  # 900 yuan for 2 trainees
    client.post(f"/care/training/{cid}/progress/", {"op": "drop", "trainee": [ts[1].pk]})
    assert "900.00" in client.get(f"/care/training/{cid}/").content.decode()


def test_model_worker_pages(client: Any, tree: dict[str, Any], member: Any) -> None:
    m = member("T0003", name="劳模乙", is_model_worker=True)
    client.force_login(tree["users"]["east_clerk"])
    assert (
        "劳模乙" in client.get("/care/model-workers/").content.decode()
    )  # flagged in the register, not yet entered
    resp = client.post(
        "/care/model-workers/new/",
        {"member": m.member_no, "level": "provincial", "year": "2015", "title": "云南省劳动模范"},
    )
    t = ModelWorkerTitle.objects.get(person=m.person)
    assert resp.status_code == 302
    resp = client.post(
        f"/care/model-workers/{t.pk}/care/",
        {"kind": "visit", "on": "2026-02-01", "amount": "1000", "note": "春节慰问"},
    )
    assert resp.status_code == 302
    assert "春节慰问" in client.get(f"/care/model-workers/{t.pk}/").content.decode()
    m.person.refresh_from_db()
    assert m.person.is_model_worker  # the register's own flag is left alone


def test_report_page_and_export(client: Any, tree: dict[str, Any], hardship: Any) -> None:
    f = hardship("T0003", category="accident", causes=["disaster"])
    actions.aid_record(
        user=tree["users"]["county_admin"],
        file=f,
        type="living",
        amount="1200",
        given_on=dt.date(2026, 1, 5),
        source="own",
    )
    client.force_login(tree["users"]["county_viewer"])  # a leader: figures, no names
    page = client.get("/care/report/T0001/?year=2026").content.decode()
    assert "意外致困" in page and "1,200.00" in page and f.person.name not in page
    assert client.get("/care/report/T0001/report.xlsx?year=2026").status_code == 403  # no export right
    client.force_login(tree["users"]["east_admin"])
    assert client.get("/care/report/T0001/").status_code == 404
    rows = _xlsx_rows(client.get("/care/report/T0002/report.xlsx?year=2026"))
    assert rows[0] == ["部分", "项目", "数量", "人数", "金额（元）"]
    assert any(r[1] == "意外致困" and r[2] == 1 for r in rows)
    assert any(r[1] == "生活救助" and r[4] == 1200 for r in rows)
