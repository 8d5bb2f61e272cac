"""Issue 12 finding 5: names with reportlab markup in every PDF. A name like `古城<b>` made the
county's annual report a 500 and `<img src="/etc/passwd"/>` embedded a server file. Every PDF now
prints such a name as the text it is (pdftotext finds the markup, literally) and embeds nothing."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gonghui.orgs.models import Org
from tests.campaigns.conftest import join, make_campaign, register_story  # noqa: F401  (fixtures)
from tests.members.conftest import apply  # noqa: F401  (fixture)
from tests.reports.test_dashboard import history  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
IMG = '<img src="/etc/passwd"/>'
EVIL = f"古城{IMG}<b>街道"


def text_of(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    """The PDF's text, whitespace removed (table cells and lines wrap anywhere)."""
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf and b"root:" not in pdf
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60, check=True
    )
    return "".join(out.stdout.split())


def shows_literally(text: str, markup: str = EVIL) -> bool:
    return "".join(markup.split()) in text


def rename(code: str, name: str) -> None:
    Org.objects.filter(code=code).update(name=name, short_name=name)


def test_no_paragraph_is_built_outside_the_escaping_helper() -> None:
    """By construction: reportlab's Paragraph appears only in core/pdf.py (`para`)."""
    src = Path(__file__).resolve().parents[2] / "src" / "gonghui"
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "pdf.py" and re.search(r"\bParagraph\b(?!Style)", p.read_text())
    ]
    assert offenders == []


def test_annual_report_pdf_prints_markup_as_text(tree: dict[str, Any], history: Any, login: Any,  # noqa: F811
                                                 tmp_path: Path) -> None:  # fmt: skip
    rename("T0002", EVIL)
    rename("T0001", "测试县<b>总工会")
    resp = login("county_admin").get("/reports/annual/T0001/report.pdf?year=2026")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    text = text_of(resp.content, tmp_path, "annual")
    assert shows_literally(text) and shows_literally(text, "测试县<b>总工会") and "截至2026年9月30日" in text
    page = login("county_admin").get("/reports/annual/T0001/?year=2026").content.decode()
    assert "&lt;img src=&quot;/etc/passwd&quot;/&gt;" in page and IMG not in page
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "annual.pdf"),
                    "/tmp/gonghui-annual-markup"], check=True, timeout=60)  # fmt: skip


def test_campaign_briefing_pdf_prints_markup_as_text(login: Any, register_story: Any, make_campaign: Any,  # noqa: F811
                                                     tmp_path: Path) -> None:  # fmt: skip
    campaign = make_campaign(net_minimum=60, split_method="equal", ends_on=dt.date(2030, 9, 30))
    rename("T0002", EVIL)
    resp = login("county_viewer").get(f"/campaigns/{campaign.pk}/units/T0001/briefing.pdf")
    assert resp.status_code == 200
    assert shows_literally(text_of(resp.content, tmp_path))


def test_member_registration_form_and_poster_print_markup_as_text(tree: dict[str, Any], apply: Any,  # noqa: F811
                                                                  login: Any, tmp_path: Path) -> None:  # fmt: skip
    from gonghui.members.pdfs import join_poster_pdf

    rename("T0003", EVIL)
    app = apply("T0003", employer_name=f"甲公司{IMG}<b>")
    resp = login("east_admin").get(f"/members/applications/{app.pk}/form.pdf")
    assert resp.status_code == 200
    text = text_of(resp.content, tmp_path, "form")
    assert shows_literally(text) and shows_literally(text, f"甲公司{IMG}<b>")
    poster = join_poster_pdf(org_name=EVIL, federation="测试县<b>总工会", url="https://example.org/join/X")
    assert shows_literally(text_of(poster, tmp_path, "poster"))


def test_election_documents_print_markup_as_text(tmp_path: Path) -> None:
    from gonghui.elections import pdfs

    on = dt.date(2026, 11, 2)
    docs = {
        "request": pdfs.request_pdf(name=EVIL, to=f"上级{IMG}", body=[f"正文{IMG}<b>"], roster_count=3, on=on,
                                    applicant=EVIL),
        "roster": pdfs.roster_pdf(name=EVIL, rows=[[f"张{IMG}", "男", "5303**********0011", EVIL, "名册"]], on=on),
        "approval": pdfs.approval_pdf(issuer="测试县<b>总工会", number="县工复〔2026〕1号", title=f"关于同意成立{EVIL}的批复",
                                      to=EVIL, body=[f"同意{EVIL}"], on=on),
    }  # fmt: skip
    for name, pdf in docs.items():
        assert shows_literally(text_of(pdf, tmp_path, name)), name
