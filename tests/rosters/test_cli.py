"""`gonghui import` and `gonghui export`, and the formula-injection test."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows


def export(*args: str) -> None:
    call_command("export", *args, stdout=io.StringIO())


DANGEROUS = ["=1+2", "+SUM(A1:A9)", "-2+3", "@SUM(1)", '=HYPERLINK("http://x","点我")', "\t=1", "\r=2"]


def _json(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", *args, "--json", "--no-progress", stdout=out)
    return json.loads(out.getvalue())


def test_import_json_has_exactly_the_promised_keys(tmp_path: Path, tree: dict[str, Any]) -> None:
    path = write_xlsx_rows(
        tmp_path / "r.xlsx", [HEADER, person_row(1), person_row(2, phone="1"), person_row(3)]
    )
    result = _json(str(path), "--org", "T0003", "--dry-run")
    assert set(result) == {"rows", "created", "updated", "unchanged", "refused", "errors", "error_file"}
    assert (result["rows"], result["created"], result["refused"]) == (3, 2, 1)
    assert result["errors"] == [{"row": 3, "column": "手机号码", "message": result["errors"][0]["message"]}]
    assert Path(result["error_file"]).exists()
    from gonghui.members.models import Person

    assert not Person.objects.exists()  # --dry-run writes nothing
    result = _json(str(path), "--org", "T0003")
    assert (result["created"], result["refused"]) == (2, 1)
    clean = write_xlsx_rows(tmp_path / "clean.xlsx", [HEADER, person_row(4)])
    result = _json(str(clean), "--org", "T0003", "--skip-existing")
    assert (
        set(result) == {"rows", "created", "updated", "unchanged", "refused", "errors"}
        and result["errors"] == []
    )


def test_import_refuses_to_run_with_one_line(tmp_path: Path, tree: dict[str, Any]) -> None:
    path = write_xlsx_rows(tmp_path / "r.xlsx", [HEADER, person_row(1)])
    for args, expected in (
        ([str(path), "--org", "NOPE"], "组织代码不存在"),
        ([str(tmp_path / "missing.xlsx"), "--org", "T0003"], "文件不存在"),
        ([str(write_xlsx_rows(tmp_path / "x.xlsx", [["a", "b"]])), "--org", "T0003"], "找不到表头"),
    ):
        with pytest.raises(CommandError) as exc:
            call_command("import", *args, "--json", "--no-progress", stdout=io.StringIO())
        assert expected in str(exc.value) and "\n" not in str(exc.value)


def test_progress_bar_goes_to_stderr(tmp_path: Path, tree: dict[str, Any], capsys: Any) -> None:
    path = write_xlsx_rows(tmp_path / "r.xlsx", [HEADER, person_row(1)])
    out = io.StringIO()
    call_command("import", str(path), "--org", "T0003", "--json", stdout=out)
    json.loads(out.getvalue())  # stdout: only the JSON object
    assert "100.0%" in capsys.readouterr().err


def _cells_xlsx(path: Path) -> list[Any]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [c for r in rows for c in r]


def _no_formula(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


def test_no_cell_starts_a_formula_in_exports_or_error_files(tmp_path: Path, tree: dict[str, Any]) -> None:
    """The formula-injection test: values typed by clerks come back out escaped, in xlsx and CSV."""
    rows = [HEADER] + [person_row(i + 1, employer=d) for i, d in enumerate(DANGEROUS)]
    rows.append(person_row(99, employer="=EVIL()", phone="bad"))  # refused: goes to the error file
    path = write_xlsx_rows(tmp_path / "inject.xlsx", rows)
    result = _json(str(path), "--org", "T0003")
    assert result["created"] == len(DANGEROUS)
    from gonghui.members.models import Person

    assert set(Person.objects.values_list("employer_name", flat=True)) == {d.strip() for d in DANGEROUS}

    for target in (tmp_path / "m.xlsx", tmp_path / "m.csv"):
        export("members", "--org", "T0001", "-o", str(target))
    export("employers", "--org", "T0001", "-o", str(tmp_path / "e.csv"))
    export("gaps", "--org", "T0001", "-o", str(tmp_path / "g.xlsx"))
    for xlsx in (tmp_path / "m.xlsx", Path(result["error_file"])):
        cells = [c for c in _cells_xlsx(xlsx) if isinstance(c, str)]
        assert not [c for c in cells if c and c[0] in "=+-@\t\r"], xlsx
        assert any(c.startswith("'=") for c in cells)
        _no_formula(xlsx)
    import csv

    raw = (tmp_path / "m.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    cells = [c for r in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for c in r]
    assert not [c for c in cells if c and c[0] in "=+-@\t\r"]
    assert "'=1+2" in cells and "'-2+3" in cells


def test_export_masks_unless_revealed_and_audits(tmp_path: Path, tree: dict[str, Any]) -> None:
    from gonghui.core.models import AuditEntry

    number = new_id()
    path = write_xlsx_rows(tmp_path / "r.xlsx", [HEADER, person_row(1, id=number)])
    _json(str(path), "--org", "T0003")
    export("members", "--org", "T0003", "-o", str(tmp_path / "masked.xlsx"))
    cells = _cells_xlsx(tmp_path / "masked.xlsx")
    assert number not in cells and number[:4] + "*" * 10 + number[-4:] in cells
    export("members", "--org", "T0003", "-o", str(tmp_path / "full.xlsx"), "--reveal")
    assert number in _cells_xlsx(tmp_path / "full.xlsx")
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 1
    with pytest.raises(CommandError, match="组织代码不存在"):
        export("members", "--org", "NOPE", "-o", str(tmp_path / "x.xlsx"))
