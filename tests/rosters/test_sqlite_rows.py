"""rosters.sqlite_rows: a batch's narrow rows in one INSERT … SELECT over json_each (SQLite)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def table() -> Any:
    if connection.vendor != "sqlite":
        pytest.skip("the JSON path is SQLite's; other databases bind rows as before")
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE t_rows (id integer PRIMARY KEY, org integer, path text, n integer, note text, d text)"
        )
    yield "t_rows"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE t_rows")


def _stored() -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute("SELECT id, org, path, n, note, d, typeof(n), typeof(org) FROM t_rows ORDER BY id")
        return [tuple(r) for r in cur.fetchall()]


COLS = ("id", "org", "path", "n", "note", "d")


def test_rows_come_back_exactly_as_given(table: str) -> None:
    from gonghui.rosters import sqlite_rows

    # ids counting up (first + position), two constant columns (one NULL), three varying ones with
    # text that JSON must carry unchanged (quotes, backslash, CJK, %, an empty string, NULL)
    rows = [(500 + i, None, "0001.0002.", i * 7 % 5, f'名册 "#{i}" 第\\{i}% 行' if i % 9 else "", None if i % 4 else "2015-03-04")
            for i in range(60)]  # fmt: skip
    assert sqlite_rows.insert(table, COLS, rows)
    assert _stored() == [(*r, "integer", "null") for r in rows]


def test_one_varying_column_and_numbers_not_counting_up(table: str) -> None:
    from gonghui.rosters import sqlite_rows

    rows = [(1000 + 2 * i, 7, "p", 3, f"n{i}", "2020-01-01") for i in range(60)]  # ids with gaps: sent
    assert sqlite_rows.insert(table, COLS, rows)
    assert _stored() == [(*r, "integer", "integer") for r in rows]


def test_what_it_leaves_to_executemany(table: str) -> None:
    from gonghui.rosters import sqlite_rows

    few = [(i, 1, "p", i, f"x{i}", "d") for i in range(10)]
    assert not sqlite_rows.insert(table, COLS, few)  # too few rows to be worth a second path
    six = [(i, i * 2, f"p{i}", i * 3, f"x{i}", f"d{i}") for i in range(60)]
    assert not sqlite_rows.insert(table, (*COLS[1:], "id"), [(*r[1:], r[0] * 5) for r in six])  # too wide
    floats = [(i, 1, "p", i * 0.5, "x", "d") for i in range(60)]
    assert not sqlite_rows.insert(table, COLS, floats)  # not int / str / None: bound as before
    assert _stored() == []  # nothing written by a refusal
    flag = [(i, True, "p", i, f"x{i}", "d") for i in range(60)]  # a constant is bound, whatever its type
    assert sqlite_rows.insert(table, COLS, flag)
    assert [r[1] for r in _stored()] == [1] * 60
