"""The printed documents (rendered and checked non-blank), the `gonghui terms` command, and the demo."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gonghui.elections import pdfs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed"
)


def render(data: bytes, tmp_path: Path, name: str) -> list[Path]:
    """pdftoppm -png -r 60, as a reader would see the pages."""
    src = tmp_path / f"{name}.pdf"
    src.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(src), str(tmp_path / name)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return sorted(tmp_path.glob(f"{name}*.png"))


def ink(png: Path) -> tuple[float, float]:
    """Share of non-white pixels overall, and of red ones (the header and the seal)."""
    from PIL import Image

    img = Image.open(png).convert("RGB")
    px = list(img.getdata())
    dark = sum(1 for r, g, b in px if r + g + b < 600)
    red = sum(1 for r, g, b in px if r > 150 and g < 90 and b < 90)
    return dark / len(px), red / len(px)


def approval() -> bytes:
    return pdfs.approval_pdf(issuer="测试县总工会", number="会总工发〔2026〕12号", title="关于同意成立戊公司工会委员会的批复",
                             to="戊公司工会委员会筹备组", body=["你们的请示收悉。经研究，同意成立戊公司工会委员会。" * 3], on=dt.date(2026, 11, 21))  # fmt: skip


@needs_poppler
def test_approval_pdf_renders_with_chinese_header_and_seal(tmp_path: Path) -> None:
    pages = render(approval(), tmp_path, "approval")
    assert len(pages) == 1
    dark, red = ink(pages[0])
    assert dark > 0.01 and red > 0.002  # text, and a red header and seal
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "approval.pdf")], capture_output=True, text=True
    ).stdout
    assert "GonghuiCJK" in fonts or "STSong" in fonts or "WenQuanYi" in fonts


@needs_poppler
def test_results_report_pdf_renders_every_round(tmp_path: Path) -> None:
    posts = [pdfs.ReportPost(label="委员会委员", seats=7, rounds=[
        (1, 40, 21, [(f"候选人{i}", 40 - i, i < 6) for i in range(9)]), (2, 40, 21, [("候选人6", 30, True), ("候选人7", 10, False)])],
        elected=[f"候选人{i}" for i in range(7)], vacant=0)] * 4  # fmt: skip
    data = pdfs.results_report_pdf(org="东镇甲公司工会", term_number=3, meeting="会员大会", on=TODAY, place="职工之家", members=42, due=42,
                                   present=40, quorum_text="超过应到人数的 2/3，选举有效", majority_text="超过应到人数的半数",
                                   posts=posts, notes=["本次为提前换届，已经上级工会批准。"])  # fmt: skip
    pages = render(data, tmp_path, "report")
    assert len(pages) >= 2  # long enough to page; the table header repeats
    assert all(ink(p)[0] > 0.003 for p in pages)


@needs_poppler
def test_roster_pdf_pages_and_masks(tmp_path: Path) -> None:
    rows = [[f"职工{i}", "男", "5303**********1234", "戊公司", "新申请"] for i in range(90)]
    data = pdfs.roster_pdf(name="戊公司工会委员会", rows=rows, on=TODAY)
    pages = render(data, tmp_path, "roster")
    assert len(pages) >= 2 and all(ink(p)[0] > 0.003 for p in pages)


def test_official_dates_and_wrapping() -> None:
    assert pdfs.cn_date(dt.date(2026, 11, 21)) == "二〇二六年十一月二十一日"
    assert pdfs.cn_date(dt.date(2030, 1, 10)) == "二〇三〇年一月十日"
    lines = pdfs.wrap("一" * 100 + "，", 12, 200)
    assert "".join(lines) == "一" * 100 + "，" and not lines[-1].startswith("，")


# --- the command line ------------------------------------------------------------------------


def run(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_terms_command(tree: dict[str, Any]) -> None:
    from gonghui.orgs.models import Org

    Org.objects.filter(code="T0003").update(
        term_number=2, term_start=dt.date(2021, 1, 1), term_end=TODAY - dt.timedelta(days=1)
    )
    Org.objects.filter(code="T0004").update(
        term_number=1, term_start=dt.date(2023, 1, 1), term_end=TODAY + dt.timedelta(days=30)
    )
    Org.objects.filter(code="T0006").update(
        term_number=4, term_start=dt.date(2024, 1, 1), term_end=TODAY + dt.timedelta(days=400)
    )
    rows = json.loads(run("terms", "--overdue", "--json"))
    assert rows == [
        {
            "org": "T0003",
            "term_number": 2,
            "start": "2021-01-01",
            "end": (TODAY - dt.timedelta(days=1)).isoformat(),
            "status": "overdue",
        }
    ]
    rows = json.loads(run("terms", "--due-within", "30", "--json"))
    assert [r["org"] for r in rows] == ["T0004"] and rows[0]["status"] == "due"
    assert json.loads(run("terms", "--due-within", "29", "--json")) == []
    both = json.loads(run("terms", "--overdue", "--due-within", "30", "--json"))
    assert [r["org"] for r in both] == ["T0003", "T0004"]
    every = json.loads(run("terms", "--json"))
    assert {r["org"] for r in every} == {"T0003", "T0004", "T0006"}
    assert {r["status"] for r in every} == {"overdue", "due", "active"}
    assert set(every[0]) == {"org", "term_number", "start", "end", "status"}
    assert json.loads(run("terms", "--org", "T0005", "--json"))[0]["org"] == "T0006"
    with pytest.raises(CommandError, match="组织代码不存在"):
        run("terms", "--org", "NOPE", "--json")
    assert "T0003\t2\t2021-01-01" in run("terms", "--overdue")
    run("terms", "--overdue", "--notify", "--json")
    from gonghui.elections.models import Notification

    assert Notification.objects.filter(org__code="T0003").exists()


@pytest.mark.slow
def test_demo_has_overdue_terms_a_formation_in_review_and_a_completed_election(db: Any) -> None:
    from gonghui.elections.models import (
        DocKind,
        Election,
        ElectionStatus,
        Formation,
        FormationStatus,
        Notification,
    )
    from gonghui.orgs.models import Org

    result = json.loads(run("demo", "--json"))
    made = result["elections"]
    overdue = json.loads(run("terms", "--overdue", "--json"))
    codes = {r["org"] for r in overdue}
    assert set(made["overdue"]) <= codes and all(r["status"] == "overdue" for r in overdue)
    due = json.loads(run("terms", "--due-within", "90", "--json"))
    assert set(made["due"]) <= {r["org"] for r in due}
    f = Formation.objects.get(pk=made["formation"])
    assert f.status == FormationStatus.SUBMITTED and f.roster.count() >= 26
    assert {d.kind for d in f.documents.all()} == {DocKind.REQUEST, DocKind.ROSTER}
    e = Election.objects.get(pk=made["election"])
    assert e.status == ElectionStatus.APPROVED
    assert {d.kind for d in e.documents.all()} == {DocKind.RESULTS, DocKind.RESULTS_APPROVAL}
    org = Org.objects.get(pk=e.org_id)
    assert org.term_number == e.term_number and org.term_start == e.meeting_date
    assert Notification.objects.filter(recipient__username="gucheng_admin").exists()
