"""The printed documents render Chinese: rendered with pdftoppm (non-blank), text extracted with
pdftotext (real glyphs, not tofu), the CJK font embedded (pdffonts). PNGs of each go to
docs/screenshots when GONGHUI_SCREENSHOTS=1, to be looked at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from gonghui.core import pdf
from gonghui.members import cards, pdfs
from gonghui.members.models import Application
from tests.members.conftest import new_id

pytestmark = pytest.mark.django_db
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")


def _render(data: bytes, tmp_path: Path, name: str) -> Image.Image:
    src = tmp_path / f"{name}.pdf"
    src.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1", str(src), str(tmp_path / name)],
        check=True,
    )
    png = tmp_path / f"{name}.png"
    if os.environ.get("GONGHUI_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, SHOTS / f"members-pdf-{name}.png")
    return Image.open(png).convert("L")


def _ink(img: Image.Image) -> float:
    """Share of pixels that are not white."""
    hist = img.histogram()
    return 1 - sum(hist[245:]) / (img.width * img.height)


def _text(data: bytes, tmp_path: Path) -> str:
    src = tmp_path / "t.pdf"
    src.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(src), "-"], check=True, capture_output=True, text=True
    ).stdout


def _fonts(data: bytes, tmp_path: Path) -> str:
    src = tmp_path / "f.pdf"
    src.write_bytes(data)
    return subprocess.run(["pdffonts", str(src)], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def app_(apply, register):
    app = apply(
        "T0003",
        name="欧阳晓燕",
        id_number=new_id(male=False),
        employer_name="甲公司",
        new_employment_group="courier",
    )
    return Application.objects.select_related("org").get(pk=app.pk)


@needs_poppler
def test_registration_form_renders_chinese(app_, tmp_path):
    number = "530326199001011236"
    data = pdfs.registration_form_pdf(app_, federation="测试县总工会", id_number=number)
    img = _render(data, tmp_path, "form")
    assert 0.02 < _ink(img) < 0.5
    text = _text(data, tmp_path)
    for words in (
        "工会会员入会申请登记表",
        "欧阳晓燕",
        app_.form_no,
        "快递员",
        "申请人签名",
        "档案关",
        number,
    ):
        assert words in text, words
    if Path(pdf.FONT_CANDIDATES[0]).exists():
        fonts = [line for line in _fonts(data, tmp_path).splitlines() if "WenQuanYi" in line]
        assert fonts and all(
            " yes yes yes " in line for line in fonts
        )  # embedded, subset, with a Unicode map


@needs_poppler
def test_masked_registration_form_has_no_full_number(app_, tmp_path):
    data = pdfs.registration_form_pdf(app_, federation="测试县总工会")
    text = _text(data, tmp_path)
    assert app_.id_masked in text


@needs_poppler
def test_card_sheet_renders_with_seal_and_qr(register, tmp_path, tree):
    ms = [register("T0003", name=f"会员{i}") for i in range(12)]
    batch = cards.card_batch_issue(user=None, org=ms[0].org)
    # as the page reads them: memberships prefetched (Citus joins card and membership on person_id only)
    qs = batch.cards.select_related("person").prefetch_related("membership__org").order_by("card_no")
    data = pdfs.card_sheet_pdf(
        qs, federation="测试县总工会", check_url=lambda t: f"https://example.test/card/{t}/"
    )
    img = _render(data, tmp_path, "cards")
    assert _ink(img) > 0.05
    # the seal is red: some strongly red pixels on the page
    rgb = Image.open(tmp_path / "cards.png").convert("RGB")
    red = sum(1 for r, g, b in rgb.getdata() if r > 180 and g < 90 and b < 90)
    assert red > 2000
    text = _text(data, tmp_path)
    assert (
        "中华全国总工会会员证" in text
        and "会员0" in text
        and ms[0].member_no in text
        and "东镇甲公司工会" in text
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "t.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+2\b", info)  # 12 cards, 10 a page


@needs_poppler
def test_join_poster_renders(tmp_path):
    data = pdfs.join_poster_pdf(
        org_name="东镇甲公司工会", federation="测试县总工会", url="https://example.test/join/T0003/"
    )
    img = _render(data, tmp_path, "poster")
    assert _ink(img) > 0.1
    assert "扫码加入工会" in _text(data, tmp_path)


def test_seal_image_setting_is_used(register, settings, tmp_path):
    seal = tmp_path / "seal.png"
    Image.new("RGBA", (200, 200), (200, 0, 0, 180)).save(seal)
    settings.GONGHUI_SEAL_IMAGE = str(seal)
    m = register("T0003")
    batch = cards.card_batch_issue(user=None, org=m.org)
    data = pdfs.card_sheet_pdf(
        batch.cards.select_related("person").prefetch_related("membership__org"),
        federation="测试县总工会",
        check_url=str,
    )
    assert b"/Subtype /Image" in data or b"/Subtype/Image" in data


def test_font_falls_back_to_the_builtin_cid_font(monkeypatch, settings):
    settings.GONGHUI_PDF_FONT = ""
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    pdf.font_name.cache_clear()
    try:
        assert pdf.font_name() == "STSong-Light"
        settings.GONGHUI_PDF_FONT = "/nonexistent/explicit.ttf"
        pdf.font_name.cache_clear()
        with pytest.raises(FileNotFoundError):
            pdf.font_name()
    finally:
        pdf.font_name.cache_clear()
