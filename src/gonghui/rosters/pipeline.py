"""Reading, checking and preparing a roster in batches — in this process, or in a second one.

The work of an import splits in two: reading the file, checking each row and encrypting the ID
numbers and phones (CPU only, no database), and writing the batches (the database). For a large file
the first half runs in a forked reader process while this process writes, so the two cores of a
small server both work; batches travel through a bounded queue, so memory stays flat. The reader
never touches the database: the code tables, the org lookup and the keys come with the fork.

Nothing here decides anything about existing members: that needs the database and happens in
`engine.py`, inside each batch's transaction.
"""

from __future__ import annotations

import datetime as dt
import gc
import marshal
import multiprocessing as mp
import os
import queue
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from gonghui.core import ids, pii
from gonghui.core.sheet_reading import SheetReadError, Table
from gonghui.members.codes import HUKOU_AGRICULTURAL
from gonghui.rosters.checks import Checker, CodeBook
from gonghui.rosters.columns import Header

ID_CONTEXT = "id_number"  # = members.actions.ID_CONTEXT
PHONE_CONTEXT = "phone"  # = members.actions.PHONE_CONTEXT


class Prep(NamedTuple):
    """A checked row with its personal numbers encrypted and indexed (ciphers empty in a dry run).

    Dates travel as ISO strings and batches as plain tuples (`Prep._make` on arrival): pickling
    named tuples and date objects between the processes cost more than encrypting the row.
    """

    row: int
    id_index: str
    id_cipher: str
    id_masked: str
    name: str
    gender: str
    birth_date: str  # ISO
    birthplace_code: str
    phone_index: str | None  # None: no phone in the file for this row
    phone_cipher: str
    phone_masked: str
    ethnicity: str | None
    education: str | None
    political_status: str | None
    hukou_type: str | None
    is_migrant: bool | None
    employment_status: str | None
    new_employment_group: str | None
    job: str | None
    skill_level: str | None
    is_model_worker: bool | None
    employer_name: str | None
    joined_on: str | None  # ISO
    form_no: str | None
    org: str
    # the row as a new person's columns (PERSON_TAIL order): empty text for "no value", 农民工
    # decided, booleans as the database binds them fastest — built here, so the writer only puts
    # the keys in front
    person: tuple[Any, ...]


# What a new person's row holds besides the keys and timestamps the writer adds (engine.py inserts
# these columns after id, province_code, employer_id, created_at, updated_at).
PERSON_TAIL = (
    "name", "id_cipher", "id_index", "id_masked", "gender", "birth_date", "birthplace_code", "ethnicity",
    "phone_cipher", "phone_index", "phone_masked", "education", "political_status", "hukou_type", "is_migrant",
    "employment_status", "new_employment_group", "job", "skill_level", "is_model_worker", "employer_name",
)  # fmt: skip


class Batch(NamedTuple):
    last_row: int  # spreadsheet row number of the batch's last row (the resume point once saved)
    rows: int  # data rows in the batch (blank rows and footers are not rows)
    # Prep fields, plain tuples (marshalled to bytes on the way from the reader process)
    preps: list[tuple[Any, ...]] | bytes
    errors: list[tuple[int, str, str]]  # (row, column title, message), several per row possible
    refused: int  # rows refused by the checks


@dataclass
class Plan:
    """Everything the reader needs; picklable, built in the parent (which has the database)."""

    path: str
    sheet: int
    header: dict[str, Any]
    codebook: CodeBook
    target: str | None
    orgs: dict[str, str]
    encrypt: bool  # False for a dry run: the blind index is enough to find people
    resume_after: int = 0  # spreadsheet row number already saved
    batch_rows: int = 5000
    # booleans as 0/1 (SQLite: what it stores anyway, and bound without an adapter lookup);
    # PostgreSQL wants True/False
    int_booleans: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    max_rows: int = 1_000_000  # data rows one file may have (GONGHUI_IMPORT_MAX_ROWS)


def prepare(recs: list[Any], encrypt: bool, int_booleans: bool = False) -> list[tuple[Any, ...]]:
    numbers = [r.number for r in recs]
    id_idx = pii.blind_index_many(numbers, ID_CONTEXT)
    id_ciph = pii.encrypt_many(numbers, ID_CONTEXT) if encrypt else [""] * len(numbers)
    phones = [r.phone for r in recs if r.phone]
    ph_idx = iter(pii.blind_index_many(phones, PHONE_CONTEXT))
    ph_ciph = iter(pii.encrypt_many(phones, PHONE_CONTEXT) if encrypt else [""] * len(phones))
    mask_id, mask_phone = ids.mask_id_number, ids.mask_phone
    agri = HUKOU_AGRICULTURAL
    yes, no = (1, 0) if int_booleans else (True, False)
    out = []
    for r, ix, cx in zip(recs, id_idx, id_ciph, strict=True):
        p = r.phone
        if p:
            pi, pc = next(ph_idx), next(ph_ciph)
            # mask_phone's mobile case, inlined (a million calls)
            pm = p[:3] + "****" + p[7:] if len(p) == 11 and p.isdigit() else mask_phone(p)
        else:
            pi, pc, pm = None, "", ""
        j = r.joined_on
        number, born, hukou, migrant = r.number, r.birth_date.isoformat(), r.hukou_type, r.is_migrant
        masked = number[:4] + "**********" + number[14:] if len(number) == 18 else mask_id(number)
        # 农民工 follows the hukou unless the file says it (members.actions.clean_person_fields)
        mig = migrant if migrant is not None else hukou == agri
        person = (
            r.name, cx, ix, masked, r.gender, born, r.address_code, r.ethnicity or "", pc, pi or "", pm,
            r.education or "", r.political_status or "", hukou or "", yes if mig else no, r.employment_status or "",
            r.new_employment_group or "", r.job or "", r.skill_level or "", yes if r.is_model_worker else no,
            r.employer_name or "",
        )  # fmt: skip
        out.append((
            r.row, ix, cx, masked, r.name, r.gender, born, r.address_code, pi, pc, pm,
            r.ethnicity, r.education, r.political_status, hukou, migrant, r.employment_status,
            r.new_employment_group, r.job, r.skill_level, r.is_model_worker, r.employer_name, j.isoformat() if j else None,
            r.form_no, r.org or "", person,
        ))  # fmt: skip
    return out


def batches(plan: Plan) -> Iterator[Batch]:
    """Read, check and prepare the data rows after the header, `plan.batch_rows` at a time."""
    header = Header.from_json(plan.header)
    checker = Checker(header, plan.codebook, today=plan.today, target=plan.target, orgs=plan.orgs)
    table = Table(plan.path)
    recs: list[Any] = []
    errors: list[tuple[int, str, str]] = []
    rows = refused = 0
    last = header.row
    check, is_blank, resume_after = checker.check, checker.is_blank, plan.resume_after
    emitted = resume_after  # the resume point the last batch moved to
    seen, max_rows = 0, plan.max_rows
    # blank rows cost little but are not free: a sheet of a million empty rows stops too
    last_allowed = header.row + 2 * max_rows
    for n, cells in table.rows(plan.sheet):
        if n <= header.row:
            continue
        if n > last_allowed:
            raise SheetReadError(_too_many(max_rows), code="too_many_rows")
        if is_blank(cells):
            last = n
            continue
        if n <= resume_after:
            seen += 1
            checker.remember(n, cells)
            last = n
            continue
        seen += 1
        if seen > max_rows:
            raise SheetReadError(_too_many(max_rows), code="too_many_rows")
        rec, errs = check(n, cells)
        rows += 1
        last = n
        if rec is None:
            refused += 1
            errors.extend((n, col, msg) for col, msg in errs)
        else:
            recs.append(rec)
        if rows >= plan.batch_rows:
            preps, recs = prepare(recs, plan.encrypt, plan.int_booleans), []  # the records freed first
            yield Batch(last, rows, preps, errors, refused)
            preps, errors, rows, refused = [], [], 0, 0
            emitted = last
    if rows or last > emitted:  # the rest, or only trailing blank rows: the resume point moves on
        yield Batch(last, rows, prepare(recs, plan.encrypt, plan.int_booleans), errors, refused)


def _too_many(max_rows: int) -> str:
    return f"表格超过每个文件 {max_rows:,} 行的上限；请分成几个文件导入（已保存的批次不受影响）。"


# --------------------------------------------------------------------------- the reader process


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """Make this (forked) process die with the one that started it, even by kill -9: Linux
    delivers SIGKILL to it when its parent thread ends (prctl PR_SET_PDEATHSIG). If the parent
    is already gone (it died between the fork and here), exit at once. Elsewhere the reader
    notices instead (`_reader_main` checks its parent between batches)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the polling below remains
            pass
    if os.getppid() != parent_pid:
        os._exit(1)


def _reader_main(plan: Plan, out: Any, parent_pid: int | None = None) -> None:
    parent_pid = parent_pid or os.getppid()
    die_with_parent(parent_pid)
    # Nothing the reader makes lives in a reference cycle, and a million rows of short-lived
    # tuples would otherwise set the cyclic collector off every few hundred rows; this process
    # ends with the file.
    gc.disable()
    try:
        for b in batches(plan):
            if os.getppid() != parent_pid:  # the writer is gone (where prctl is not available)
                os._exit(1)
            # marshal: the rows are plain tuples of str / int / bool / None, and marshal moves
            # them about twice as fast as pickle
            out.put(("batch", b._replace(preps=marshal.dumps(b.preps))))
        out.put(("done", None))
    except SheetReadError as exc:
        out.put(("error", exc.message))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the job with it
        out.put(("error", f"读取文件时出错：{type(exc).__name__}: {exc}"))


def batches_parallel(plan: Plan, *, depth: int | None = None) -> Iterator[Batch]:
    """`batches(plan)` computed in a forked process; at most `depth` batches wait in between —
    by default as many as make 40,000 rows, at least one, at most 3: with the batch the reader
    builds and the one the writer writes, enough to keep both busy, and memory stays flat."""
    if depth is None:
        depth = min(3, max(1, 40_000 // max(1, plan.batch_rows)))
    ctx = mp.get_context("fork")
    q = ctx.Queue(maxsize=depth)
    proc = ctx.Process(
        target=_reader_main, args=(plan, q, os.getpid()), name="gonghui-roster-reader", daemon=True
    )
    proc.start()
    try:
        while True:
            try:
                kind, payload = q.get(timeout=5)
            except queue.Empty:
                if not proc.is_alive():
                    raise SheetReadError(f"读取进程意外退出（退出码 {proc.exitcode}）。") from None
                continue
            if kind == "batch":
                yield payload._replace(preps=marshal.loads(payload.preps))  # noqa: S302 - from our own forked reader
            elif kind == "done":
                break
            else:
                raise SheetReadError(str(payload))
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=10)
        q.close()
        q.cancel_join_thread()


def reader_rss_kb() -> int:
    """Peak memory of finished reader processes (for the benchmark's honest total)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def now() -> float:
    return time.monotonic()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
