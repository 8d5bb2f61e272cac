"""PDF helpers shared by every printed document: a CJK font, QR codes, the federation's seal.

Font (DESIGN.md): the TrueType/TTC file named by the setting or environment variable
``GONGHUI_PDF_FONT``; else the first of the usual Debian CJK fonts that exists (CI installs
``fonts-wqy-microhei``); else reportlab's built-in ``STSong-Light`` CID font, which needs no file
but is not embedded (the reader supplies the glyphs: Acrobat and pdftoppm with poppler-data do).

Markup: reportlab's ``Paragraph`` parses its text as XML-like markup (``<b>``, ``<img src=...>``,
``<font>``...). Text from users (org and person names, notes) must never reach it raw: a name like
``古城<b>`` breaks the build, ``<img src="/etc/passwd">`` embeds a server file. Every Paragraph
built from data goes through `para` (or `markup_text` where the caller composes markup itself).

Seal: the image file named by ``GONGHUI_SEAL_IMAGE`` (PNG with transparency works best); else a
simple red round seal is drawn (ring, star, the federation's name along the arc).
"""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FONT_NAME = "GonghuiCJK"
FALLBACK_CID_FONT = "STSong-Light"
SEAL_RED = Color(0.8, 0.08, 0.1)


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")  # settings.py reads the environment


@functools.lru_cache(maxsize=1)
def font_name() -> str:
    """Register the CJK font once per process and return its reportlab name."""
    configured = _setting("GONGHUI_PDF_FONT")
    candidates = (configured,) if configured else FONT_CANDIDATES
    for path in candidates:
        if path and Path(path).is_file():
            kwargs: dict[str, Any] = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, **kwargs))
            return FONT_NAME
    if configured:
        raise FileNotFoundError(f"GONGHUI_PDF_FONT: {configured} does not exist")
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return FALLBACK_CID_FONT


def markup_text(text: object) -> str:
    """`text` as literal text inside reportlab markup: &, < and > escaped, quotes too."""
    return escape(str(text), {'"': "&quot;", "'": "&#39;"})


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph showing `text` exactly as written: the one way user text enters a Paragraph."""
    from reportlab.platypus import Paragraph

    return Paragraph(markup_text(text), style)


def new_canvas(buf: io.BytesIO, pagesize: tuple[float, float], *, title: str) -> Canvas:
    c = Canvas(buf, pagesize=pagesize, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("gonghui")
    c.setCreator("gonghui")
    return c


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font_name(), size)


def fit_size(text: str, size: float, max_width: float, *, min_size: float = 5) -> float:
    """The largest font size ≤ `size` at which `text` fits `max_width`."""
    w = text_width(text, size)
    if w <= max_width:
        return size
    return max(min_size, size * max_width / w)


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float, *, error: str = "m") -> None:
    """Draw `data` as a vector QR code (segno) with its lower-left corner at (x, y)."""
    qr = segno.make(data, error=error, micro=False)
    matrix = list(qr.matrix)
    n = len(matrix)
    quiet = 2
    module = size / (n + 2 * quiet)
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        top = y + size - (quiet + r + 1) * module
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                # a tiny overlap avoids hairline gaps between modules in some viewers
                c.rect(
                    x + (quiet + start) * module,
                    top,
                    (col - start) * module + 0.05,
                    module + 0.05,
                    stroke=0,
                    fill=1,
                )
            else:
                col += 1
    c.restoreState()


def qr_png(data: str, *, scale: int = 10, border: int = 2) -> bytes:
    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()


@functools.lru_cache(maxsize=4)
def _seal_reader(path: str) -> ImageReader:
    return ImageReader(path)


def draw_seal(c: Canvas, cx: float, cy: float, radius: float, text: str, *, bottom: str = "") -> None:
    """The federation's seal centred at (cx, cy): the configured image, or a drawn red seal."""
    image = _setting("GONGHUI_SEAL_IMAGE")
    if image and Path(image).is_file():
        c.drawImage(_seal_reader(image), cx - radius, cy - radius, 2 * radius, 2 * radius, mask="auto")
        return
    font = font_name()
    c.saveState()
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    c.setLineWidth(max(0.8, radius * 0.07))
    c.circle(cx, cy, radius * 0.95, stroke=1, fill=0)
    # five-pointed star
    star_r = radius * 0.3
    pts = []
    for i in range(10):
        r = star_r if i % 2 == 0 else star_r * 0.4
        a = math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    p = c.beginPath()
    p.moveTo(*pts[0])
    for pt in pts[1:]:
        p.lineTo(*pt)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    # the name along the upper arc, characters upright to the centre
    chars = list(text)
    size = radius * 0.26
    arc = min(math.radians(250), len(chars) * size * 1.15 / (radius * 0.72))
    start = math.pi / 2 + arc / 2
    for i, ch in enumerate(chars):
        a = start - (arc * (i + 0.5) / len(chars))
        tx, ty = cx + radius * 0.7 * math.cos(a), cy + radius * 0.7 * math.sin(a)
        c.saveState()
        c.translate(tx, ty)
        c.rotate(math.degrees(a) - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size * 0.35, ch)
        c.restoreState()
    if bottom:
        bsize = fit_size(bottom, radius * 0.2, radius * 1.1)
        c.setFont(font, bsize)
        c.drawCentredString(cx, cy - radius * 0.55, bottom)
    c.restoreState()
