"""Reading tables: xlsx / xls / ods (python-calamine) and CSV in any of the encodings Chinese
offices produce; plain files, or files sealed at rest (core/sealed.py) read through a decrypting,
seekable file object without a plaintext copy on disk.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gonghui.core import sealed

# =========================================================================== reading
#
# xlsx / xls / ods through python-calamine (Rust, ~10× openpyxl), CSV through the standard library
# with the encoding detected (UTF-8, UTF-8 with BOM, UTF-16 "Unicode text", GBK / GB18030 via
# charset-normalizer). The format is told by the file's first bytes, never by its name: old systems
# export HTML tables named .xls and clerks rename CSV files to .xlsx.
#
# Memory: calamine reads a whole sheet into memory (~90 bytes a cell), so a 1,000,000-row xlsx would
# need more than a gigabyte. A large xlsx sheet is therefore cut, on row boundaries, into pieces of a
# few megabytes of XML, each handed to calamine as a small stand-alone workbook (same styles, same
# shared strings, same 1900/1904 date system): memory stays flat whatever the file's size.


class SheetReadError(ValueError):
    """A file that cannot be read as a table; `message` is a one-line Chinese explanation."""

    def __init__(self, message: str, *, code: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


Cell = Any  # str | int | float | bool | date | datetime | time | timedelta ("" for an empty cell)
Row = tuple[int, list[Cell]]  # (row number as the spreadsheet shows it, cells from column A)

# Above this many bytes of sheet XML a sheet is read in pieces (see above).
XLSX_PIECE_BYTES = 12 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(path: str | os.PathLike[str]) -> str:
    """'xlsx', 'xls', 'ods' or 'csv', from the file's content; SheetReadError otherwise."""
    try:
        with sealed.open_read(path) as fh:
            head = fh.read(4096)
    except sealed.SealedFileError:
        raise SheetReadError("文件已损坏（无法解密），请重新上传。", code="corrupt") from None
    if not head:
        raise SheetReadError("文件是空的。", code="empty")
    if head.startswith(b"PK\x03\x04"):
        try:
            with _zip(path) as zf:
                names = set(zf.namelist())
                if "mimetype" in names and zf.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"
                ):
                    return "ods"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
                if "word/document.xml" in names:
                    raise SheetReadError(
                        "这是 Word 文档，不是表格；请把名册做成 Excel 表格（.xlsx）后再导入。",
                        code="not_a_sheet",
                    )
        except zipfile.BadZipFile:
            raise SheetReadError(
                "文件已损坏（压缩包不完整），无法读取；请重新保存或重新下载后再试。", code="corrupt"
            ) from None
        raise SheetReadError("文件是压缩包，但不是 Excel 或 WPS 表格。", code="not_a_sheet")
    if head.startswith(_OLE2):
        return "xls"  # Excel 97–2003 and WPS .et share the OLE2 container
    if head.startswith(b"%PDF"):
        raise SheetReadError("这是 PDF 文件，不能导入；请提供 Excel 表格或 CSV 文件。", code="not_a_sheet")
    if head[:2] in (b"\xff\xd8", b"\x89P") or head[:4] in (b"GIF8", b"RIFF"):
        raise SheetReadError("这是图片文件，不能导入；请提供 Excel 表格或 CSV 文件。", code="not_a_sheet")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<html" in lowered[:512]:
        raise SheetReadError(
            "文件内容是网页（HTML/XML），只是扩展名为表格；请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入。",
            code="html",
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetReadError(
            "无法识别的文件格式：请提供 .xlsx、.xls、.ods 或 .csv 文件。", code="unknown_format"
        )
    return "csv"


@contextmanager
def _zip(path: str | os.PathLike[str]) -> Iterator[zipfile.ZipFile]:
    """The file as a zip package (a sealed file decrypted as it is read)."""
    with sealed.open_read(path) as raw, zipfile.ZipFile(raw) as zf:
        yield zf


class Table:
    """One spreadsheet file, opened for reading. Sheets are addressed by index (0 = first)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self.format = sniff_format(self.path)
        self._xlsx: _XlsxParts | None = None
        if self.format == "csv":
            self._csv = _CsvSource(self.path)
            self.sheet_names = ["CSV"]
        else:
            if self.format == "xlsx":
                self._xlsx = _XlsxParts.open(self.path)
            if self._xlsx is not None and self._xlsx.names:
                self.sheet_names = list(self._xlsx.names)
            else:
                wb = self._calamine_workbook()
                try:
                    self.sheet_names = list(wb.sheet_names)
                finally:
                    wb.close()

    def _calamine_workbook(self) -> Any:
        from python_calamine import CalamineWorkbook

        try:
            if sealed.is_sealed(self.path):
                # small sheets only come here (large xlsx sheets are read in pieces): in memory
                return CalamineWorkbook.from_filelike(io.BytesIO(sealed.read_bytes(self.path)))
            return CalamineWorkbook.from_path(self.path)
        except Exception as exc:  # calamine's own errors: password, zip, xml
            text = str(exc)
            if (
                "password" in text.lower()
                or "encrypt" in text.lower()
                or type(exc).__name__ == "PasswordError"
            ):
                raise SheetReadError(
                    "文件设有打开密码，无法读取；请去掉密码后再导入。", code="password"
                ) from None
            raise SheetReadError(
                f"文件无法作为表格读取（{type(exc).__name__}）；请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
            ) from None

    def head(self, sheet: int, n: int = 30) -> list[Row]:
        """The first `n` rows of a sheet (for finding the header)."""
        out: list[Row] = []
        for row in self.rows(sheet):
            out.append(row)
            if len(out) >= n:
                break
        return out

    def rows(self, sheet: int = 0) -> Iterator[Row]:
        """Every row of the sheet with its spreadsheet row number; empty rows inside the data come too."""
        if self.format == "csv":
            yield from self._csv.rows()
        elif self._xlsx is not None and self._xlsx.sheet_size(sheet) > XLSX_PIECE_BYTES:
            yield from self._xlsx.rows_in_pieces(sheet)
        else:
            yield from self._calamine_rows(sheet)

    def estimate_rows(self, sheet: int = 0) -> int:
        """The last row number, from metadata where there is some (for progress before reading)."""
        if self.format == "csv":
            return self._csv.estimate_rows()
        if self._xlsx is not None and self._xlsx.sheet_size(sheet) > XLSX_PIECE_BYTES:
            return self._xlsx.last_row(sheet)
        wb = self._calamine_workbook()
        try:
            s = wb.get_sheet_by_index(sheet)
            end = s.end
            return (end[0] + 1) if end else 0
        finally:
            wb.close()

    def _calamine_rows(self, sheet: int) -> Iterator[Row]:
        wb = self._calamine_workbook()
        try:
            s = wb.get_sheet_by_index(sheet)
        except Exception:
            wb.close()
            raise SheetReadError("工作表无法读取，文件可能已损坏。") from None
        yield from _sheet_rows(s)
        wb.close()


def _sheet_rows(s: Any, row_offset: int = 0) -> Iterator[Row]:
    """Rows of a calamine sheet numbered as the spreadsheet shows them, cells from column A.

    `to_python()` starts at the sheet's first used cell (`start`); this calamine's `iter_rows()`
    starts at row 1 but at the first used column, so the explicit start is the reliable anchor.
    """
    start = s.start
    if start is None:
        return
    r0, c0 = start
    pad = [""] * c0
    n = r0 + row_offset + 1
    for cells in s.to_python(skip_empty_area=True):
        yield n, (pad + cells) if c0 else cells
        n += 1


# --------------------------------------------------------------------------- xlsx in pieces

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _XlsxParts:
    """The parts of an xlsx package needed to cut a sheet into small stand-alone workbooks."""

    def __init__(
        self, path: str, sheets: list[str], styles: str | None, shared: str | None, date1904: bool,
        names: list[str] | None = None,
    ) -> None:  # fmt: skip
        self.path = path
        self.names = names or []
        self.sheets = sheets  # zip member of each sheet, in workbook order
        self.styles = styles
        self.shared = shared
        self.date1904 = date1904

    @classmethod
    def open(cls, path: str) -> _XlsxParts | None:
        import posixpath
        from xml.etree import ElementTree as ET  # noqa: S405 - only the package's own small XML parts

        try:
            with _zip(path) as zf:
                names = set(zf.namelist())
                wb = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
                rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        except (KeyError, zipfile.BadZipFile, ET.ParseError):
            return None  # calamine alone then (it reads some packages this cannot)
        targets: dict[str, tuple[str, str]] = {}
        for rel in rels:
            target = rel.get("Target", "")
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            targets[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target)
        sheets, sheet_names = [], []
        for el in wb.iter(f"{{{_MAIN_NS}}}sheet"):
            rid = el.get(f"{{{_REL_NS}}}id", "")
            sheets.append(targets.get(rid, ("", ""))[1])
            sheet_names.append(el.get("name", ""))
        pr = wb.find(f"{{{_MAIN_NS}}}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        styles = next((t for kind, t in targets.values() if kind == "styles" and t in names), None)
        shared = next((t for kind, t in targets.values() if kind == "sharedStrings" and t in names), None)
        return cls(path, sheets, styles, shared, date1904, sheet_names)

    def sheet_size(self, sheet: int) -> int:

        if sheet >= len(self.sheets) or not self.sheets[sheet]:
            return 0
        try:
            with _zip(self.path) as zf:
                return zf.getinfo(self.sheets[sheet]).file_size
        except KeyError:
            return 0

    def last_row(self, sheet: int) -> int:
        import re

        with _zip(self.path) as zf, zf.open(self.sheets[sheet]) as fh:
            head = fh.read(64 * 1024)
        m = re.search(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+[0-9]+:[A-Z]+([0-9]+)\"", head)
        return int(m.group(1)) if m else 0

    def _package(self, zf: Any, sheet_xml: bytes) -> io.BytesIO:

        ct = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        )
        root_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        )
        wb = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f'<workbookPr date1904="{1 if self.date1904 else 0}"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        rels = [f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>']
        if self.styles:
            rels.append(f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>')
        if self.shared:
            rels.append(
                f'<Relationship Id="rId3" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
            )
        wb_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>'
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
            out.writestr("[Content_Types].xml", ct)
            out.writestr("_rels/.rels", root_rels)
            out.writestr("xl/workbook.xml", wb)
            out.writestr("xl/_rels/workbook.xml.rels", wb_rels)
            if self.styles:
                out.writestr("xl/styles.xml", self._styles_bytes)
            if self.shared:
                out.writestr("xl/sharedStrings.xml", self._shared_bytes)
            out.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        buf.seek(0)
        return buf

    def rows_in_pieces(self, sheet: int) -> Iterator[Row]:
        import re

        from python_calamine import CalamineWorkbook

        with _zip(self.path) as zf:
            self._styles_bytes = zf.read(self.styles) if self.styles else b""
            self._shared_bytes = zf.read(self.shared) if self.shared else b""
            # Re-reading shared strings for every piece costs time: bigger pieces when they are big.
            piece = max(XLSX_PIECE_BYTES, 4 * len(self._shared_bytes))
            with zf.open(self.sheets[sheet]) as fh:
                buf = b""
                head = None
                prefix = b""
                while head is None:
                    block = fh.read(1 << 20)
                    if not block:
                        return
                    buf += block
                    m = re.search(rb"<(\w+:)?sheetData(\s*/)?>", buf)
                    if m:
                        prefix = m.group(1) or b""
                        if m.group(2):  # <sheetData/>: no rows at all
                            return
                        head = re.sub(rb"<(?:\w+:)?dimension\b[^>]*/>", b"", buf[: m.end()])
                        buf = buf[m.end() :]
                row_end = b"</" + prefix + b"row>"
                data_end = b"</" + prefix + b"sheetData>"
                tail = data_end + b"</" + prefix + b"worksheet>"
                rows_before = 0
                numbered: bool | None = None
                done = False
                while not done:
                    while len(buf) < piece and not done:
                        block = fh.read(4 << 20)
                        if not block:
                            done = True
                        buf += block
                    end = buf.find(data_end)
                    if end >= 0:
                        body, buf, done = buf[:end], b"", True
                    elif done:
                        body, buf = buf, b""
                    else:
                        cut = buf.rfind(row_end)
                        if cut < 0:  # one enormous row: keep reading
                            if done:
                                body, buf = buf, b""
                            else:
                                continue
                        else:
                            cut += len(row_end)
                            body, buf = buf[:cut], buf[cut:]
                    if not body.strip():
                        continue
                    if numbered is None:
                        first = re.search(rb"<(?:\w+:)?row\b[^>]*>", body)
                        numbered = bool(first and re.search(rb"\sr=\"", first.group(0)))
                    wb = CalamineWorkbook.from_filelike(self._package(zf, head + body + tail))
                    try:
                        s = wb.get_sheet_by_index(0)
                        # Rows without r="…" are numbered by position: continue from the last piece.
                        yield from _sheet_rows(s, 0 if numbered else rows_before)
                    finally:
                        wb.close()
                    if not numbered:
                        rows_before += len(re.findall(rb"<(?:\w+:)?row[\s>/]", body))


# --------------------------------------------------------------------------- csv

_CSV_ENCODINGS_CJK = {"gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950", "cp936"}


class _CsvSource:
    def __init__(self, path: str) -> None:
        self.path = path
        with sealed.open_read(path) as fh:
            sample = fh.read(1 << 20)
        self.encoding = _detect_encoding(sample)
        text = sample.decode(self.encoding, errors="ignore")
        self.delimiter = _detect_delimiter(text)
        self.size = sealed.plain_size(path)
        self._sample_lines = max(1, text.count("\n"))
        self._sample_bytes = len(sample)

    def estimate_rows(self) -> int:
        if self.size <= self._sample_bytes:
            return self._sample_lines
        return int(self.size / self._sample_bytes * self._sample_lines)

    def rows(self) -> Iterator[Row]:
        with io.TextIOWrapper(
            sealed.open_read(self.path), encoding=self.encoding, errors="strict", newline=""
        ) as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            n = 0
            try:
                for cells in reader:
                    n += 1
                    yield n, cells
            except UnicodeDecodeError:
                raise SheetReadError(
                    f"第 {n + 1} 行附近有无法按 {self.encoding} 解码的字节，文件可能混用了多种编码。",
                    code="encoding",
                ) from None
            except csv.Error as exc:
                raise SheetReadError(f"第 {n + 1} 行 CSV 格式错误：{exc}") from None


def _detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GBK/GB18030 or
    whatever charset-normalizer finds. GBK is read as GB18030, its superset."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # the sample cut a character in two
            return "utf-8"
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample[: 256 * 1024]).best()
    if best is None:
        raise SheetReadError(
            "无法识别 CSV 文件的文字编码；请用 Excel 另存为“CSV UTF-8”或 .xlsx 后再导入。", code="encoding"
        )
    enc = best.encoding.lower().replace("-", "_")
    return (
        "gb18030"
        if enc in _CSV_ENCODINGS_CJK and enc not in ("big5", "big5hkscs", "cp950")
        else best.encoding
    )


def _detect_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for d in (",", "\t", ";", "|"):
        counts = [ln.count(d) for ln in lines]
        top = max(counts)
        if top == 0:
            continue
        # the delimiter appears the same number of times on most lines (title rows aside)
        score = sum(1 for c in counts if c == top) + top / 100
        if score > best_score:
            best, best_score = d, score
    return best
