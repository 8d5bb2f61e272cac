"""Roster import benchmark (issue 4; DESIGN.md "Performance").

    .venv/bin/python bench/import_bench.py [--rows N]      (default 1,000,000)

Works in a temporary folder with its own GONGHUI_DATA_DIR (var/ is never touched). It makes an xlsx
roster of N rows and one of 20,000 rows, then measures in one run:

  (a) the raw floor: python-calamine reads the N-row file and a plain `executemany` inserts the same
      rows into a bare SQLite table (same journal settings as gonghui's database);
  (b) gonghui's import end to end: `gonghui import FILE --org CODE --json` as a process, into a
      database already holding the demo county (`gonghui migrate` + `gonghui demo`), validated,
      deduplicated, encrypted, counted; peak memory of that process and its reader process;
  (c) django-import-export (4.x) in its best documented bulk configuration (use_bulk, batch_size,
      skip_diff, skip_unchanged off, no instance loader lookups beyond the id field, …) importing
      the 20,000-row file into an equivalent model, in a throwaway settings module.

It prints rows/s of each, peak RSS, and last a line
    ratio_vs_floor=A ratio_vs_import_export=B peak_rss_mb=C
with A = (b's time / a's time) for the same N rows, B = (b's rows/s / c's rows/s), C = b's peak.
Targets (DESIGN.md): A ≤ 2.0, B ≥ 30, C < 1024.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))
BIN = Path(sys.executable).parent
GONGHUI = str(BIN / "gonghui")

HEADERS = ["序号", "姓名", "性别", "公民身份号码", "出生日期", "民族", "学历", "政治面貌", "户籍类型", "手机号码", "工作单位", "工种", "入会日期"]
# Address codes of Qujing prefecture outside 会泽县: none of the demo county's people carry them.
CODES = ["530322", "530323", "530324", "530325"]
ETHNIC = ["汉族"] * 18 + ["彝族", "回族"]
EDU = ["初中", "初中", "高中", "中专", "大专", "本科", "小学"]
POL = ["群众"] * 8 + ["共青团员", "中共党员"]
HUKOU = ["农业户口"] * 4 + ["非农业户口"]
JOBS = ["操作工", "技术员", "驾驶员", "装卸工", "营业员", "厨师", "保安", "电工", "焊工", "快递员"]
EMPLOYERS = ["会泽县金钟建材有限公司", "会泽县以礼物流有限公司", "会泽县宝云超市", "会泽县泽丰电子商务有限公司", "会泽县云岭矿业有限公司"]


def make_roster(path: str | os.PathLike[str], n: int, *, seed: int = 4) -> None:
    """An xlsx roster the way a union clerk makes one: a title row, a note row, then the header and
    n rows. ID numbers valid and unique (synthetic), text cells; xlsxwriter in constant memory."""
    import xlsxwriter

    from gonghui.core.ids import make_id_number
    from gonghui.demo import names

    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("会员花名册")
    ws.write_string(0, 0, "会泽县工会会员花名册")
    ws.write_string(1, 0, "填报单位：（盖章）                    填报日期：2026年3月")
    ws.write_row(2, 0, HEADERS)
    base = dt.date(1966, 1, 1)
    days = 13_000  # born 1966 … 2001
    step = 7_919  # coprime with `days`: (day, block) pairs never repeat
    surnames, given = names.SURNAMES, names.GIVEN
    for i in range(n):
        block, k = divmod(i, days)
        born = base + dt.timedelta(days=(k * step) % days)
        male = rng.random() < 0.56
        # (address code, birth date, sequence) never repeats: unique numbers, parity = gender
        seq = 100 + (block // len(CODES)) * 2 + (1 if male else 0)
        number = make_id_number(CODES[block % len(CODES)], born, seq)
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
        joined = max(dt.date(2010, 1, 1), dt.date(born.year + 18, 1, 1)) + dt.timedelta(days=rng.randrange(2_000))
        joined = min(joined, dt.date(2025, 12, 31))
        ws.write_row(i + 3, 0, [
            i + 1, name, "男" if male else "女", number, born.isoformat(), rng.choice(ETHNIC), rng.choice(EDU), rng.choice(POL),
            rng.choice(HUKOU), f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", rng.choice(EMPLOYERS), rng.choice(JOBS),
            f"{joined.year}/{joined.month}/{joined.day}",
        ])  # fmt: skip
    wb.close()


def rss_mb_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_child(cmd: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a process; returns (seconds, its peak RSS in MB including its reader process, result)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out, err = proc.communicate()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


# --------------------------------------------------------------------------- (a) the floor


def floor(path: str, db: str) -> float:
    """calamine read + plain executemany into a bare table, one transaction (the minimum)."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(f"CREATE TABLE roster ({', '.join(f'c{i}' for i in range(len(HEADERS)))})")
    wb = CalamineWorkbook.from_path(path)
    rows = wb.get_sheet_by_index(0).iter_rows()
    for _ in range(3):  # title, note, header
        next(rows)
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO roster VALUES ({', '.join('?' * len(HEADERS))})", rows)
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - started


# --------------------------------------------------------------------------- (c) django-import-export

IE_APP = '''
from django.db import models


class Member(models.Model):
    """The person + membership columns gonghui keeps, as one flat model (what a typical
    django-import-export setup would import into)."""

    name = models.CharField(max_length=40, db_index=True)
    gender = models.CharField(max_length=4)
    id_number = models.CharField(max_length=18, unique=True)
    birth_date = models.DateField(null=True)
    ethnicity = models.CharField(max_length=24, blank=True)
    education = models.CharField(max_length=24, blank=True)
    political_status = models.CharField(max_length=24, blank=True)
    hukou_type = models.CharField(max_length=24, blank=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    employer_name = models.CharField(max_length=120, blank=True, db_index=True)
    job = models.CharField(max_length=60, blank=True)
    joined_on = models.DateField(null=True)

    class Meta:
        app_label = "iebench"
'''

IE_RUN = '''
import datetime as dt, json, os, sys, time
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "import_export", "iebench"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[2],
               "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}},
    USE_TZ=True, TIME_ZONE="Asia/Shanghai", DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    IMPORT_EXPORT_USE_TRANSACTIONS=True,
)
django.setup()
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
import tablib
from import_export import fields, resources, widgets
from iebench.models import Member

HEADERS = json.loads(sys.argv[3])


class MemberResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    gender = fields.Field(attribute="gender", column_name="性别")
    id_number = fields.Field(attribute="id_number", column_name="公民身份号码")
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d"))
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
    education = fields.Field(attribute="education", column_name="学历")
    political_status = fields.Field(attribute="political_status", column_name="政治面貌")
    hukou_type = fields.Field(attribute="hukou_type", column_name="户籍类型")
    phone = fields.Field(attribute="phone", column_name="手机号码")
    employer_name = fields.Field(attribute="employer_name", column_name="工作单位")
    job = fields.Field(attribute="job", column_name="工种")
    joined_on = fields.Field(attribute="joined_on", column_name="入会日期", widget=widgets.DateWidget("%Y/%m/%d"))

    class Meta:
        model = Member
        # the documented bulk configuration (docs: "Bulk imports"): bulk_create in batches, no diff,
        # no per-row report, ID number as the import key so a re-import updates instead of duplicating
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True
        force_init_instance = False
        import_id_fields = ("id_number",)
        use_transactions = True
        clean_model_instances = False
        report_skipped = False
        fields = ("name", "gender", "id_number", "birth_date", "ethnicity", "education", "political_status",
                  "hukou_type", "phone", "employer_name", "job", "joined_on")


started = time.perf_counter()
# the xlsx read the way django-import-export reads it (tablib + openpyxl), header on row 3
with open(sys.argv[1], "rb") as fh:
    book = tablib.import_book(fh.read(), format="xlsx")
sheet = book.sheets()[0]
rows = [list(r) for r in sheet]
data = tablib.Dataset(headers=rows[2])
for r in rows[3:]:
    data.append(["" if v is None else str(v) for v in r])
result = MemberResource().import_data(data, dry_run=False, raise_errors=True)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rows": len(data), "saved": Member.objects.count(), "errors": result.has_errors()}))
'''


def import_export_run(path: str, work: Path) -> tuple[float, int, float]:
    app = work / "iebench_app"
    (app / "iebench").mkdir(parents=True)
    (app / "iebench" / "__init__.py").write_text("")
    (app / "iebench" / "models.py").write_text(IE_APP)
    (app / "run.py").write_text(IE_RUN)
    env = {**os.environ, "PYTHONPATH": str(app)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    seconds, rss, res = run_child([sys.executable, str(app / "run.py"), path, str(work / "ie.sqlite3"), json.dumps(HEADERS)], env)
    if res.returncode != 0:
        raise SystemExit(f"django-import-export run failed:\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    if out["saved"] != out["rows"] or out["errors"]:
        raise SystemExit(f"django-import-export saved {out['saved']} of {out['rows']} rows")
    return out["seconds"], out["rows"], rss


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=20_000, help="rows of the file for the django-import-export comparison")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gonghui-import-bench-"))
    env = {**os.environ, "GONGHUI_DATA_DIR": str(work / "data"), "DJANGO_SETTINGS_MODULE": "gonghui.settings"}
    env.pop("GONGHUI_DATABASE_URL", None)
    os.environ["GONGHUI_DATA_DIR"] = env["GONGHUI_DATA_DIR"]
    try:
        big, small = str(work / f"roster_{args.rows}.xlsx"), str(work / f"roster_{args.small}.xlsx")
        t = time.perf_counter()
        make_roster(big, args.rows)
        make_roster(small, args.small, seed=5)
        print(f"files: {args.rows:,} rows ({os.path.getsize(big) / 1e6:.1f} MB), {args.small:,} rows — made in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        for cmd in (["migrate", "-v", "0"], ["demo"]):
            r = subprocess.run([GONGHUI, *cmd], env=env, capture_output=True, text=True)
            if r.returncode:
                raise SystemExit(f"gonghui {' '.join(cmd)} failed: {r.stderr[-2000:]}")
        r = subprocess.run([GONGHUI, "shell", "-c", "from gonghui.orgs.models import Org, OrgKind; "
                            "print(Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by('path').first().code)"],
                           env=env, capture_output=True, text=True)  # fmt: skip
        org = r.stdout.strip().splitlines()[-1]
        print(f"demo county loaded in {time.perf_counter() - t:.1f} s; importing into {org}")

        # (a) floor
        floor_s = floor(big, str(work / "floor.sqlite3"))
        floor_rps = args.rows / floor_s
        print(f"(a) floor   calamine + executemany: {floor_s:8.2f} s  {floor_rps:>10,.0f} rows/s")

        # (b) gonghui, end to end, as the operator runs it
        secs, rss, res = run_child([GONGHUI, "import", big, "--org", org, "--json", "--no-progress"], env)
        if res.returncode != 0:
            raise SystemExit(f"gonghui import failed: {res.stderr[-3000:]}")
        out = json.loads(res.stdout)
        if out["created"] != args.rows:
            print(f"    note: created {out['created']:,}, refused {out['refused']:,} of {out['rows']:,}")
        g_rps = args.rows / secs
        print(f"(b) gonghui import (end to end):   {secs:8.2f} s  {g_rps:>10,.0f} rows/s  peak RSS {rss:,.0f} MB  "
              f"created {out['created']:,}")  # fmt: skip
        check = subprocess.run([GONGHUI, "shell", "-c", textwrap.dedent("""
            from gonghui.members.models import Membership, MembershipEvent, Person
            print(Person.objects.count(), Membership.objects.filter(channel='roster').count(),
                  MembershipEvent.objects.filter(note__startswith='名册导入').count())
            try:
                from gonghui.reports import counters
                print(len(counters.verify()))
            except ImportError:
                print(0)
        """)], env=env, capture_output=True, text=True)  # fmt: skip
        lines = check.stdout.split()
        print(f"    register after: persons {int(lines[0]):,}, roster memberships {int(lines[1]):,}, join events {int(lines[2]):,}, "
              f"counter differences after recount: {lines[3] if len(lines) > 3 else '?'}")  # fmt: skip

        # (c) django-import-export on the small file, and gonghui on the same small file
        ie_s, ie_rows, ie_rss = import_export_run(small, work)
        ie_rps = ie_rows / ie_s
        print(f"(c) django-import-export {ie_rows:,} rows: {ie_s:8.2f} s  {ie_rps:>10,.0f} rows/s  peak RSS {ie_rss:,.0f} MB")
        org2 = subprocess.run([GONGHUI, "shell", "-c", "from gonghui.orgs.models import Org, OrgKind; "
                               "print(Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by('path')[1].code)"],
                              env=env, capture_output=True, text=True).stdout.strip().splitlines()[-1]  # fmt: skip
        s_secs, _s_rss, s_res = run_child([GONGHUI, "import", small, "--org", org2, "--json", "--no-progress"], env)
        s_out = json.loads(s_res.stdout)
        print(f"    gonghui on the same {args.small:,} rows: {s_secs:8.2f} s  {args.small / s_secs:>10,.0f} rows/s  "
              f"created {s_out['created']:,}")  # fmt: skip

        a = secs / floor_s
        b = g_rps / ie_rps
        print(f"targets: ratio_vs_floor ≤ 2.0, ratio_vs_import_export ≥ 30, peak_rss_mb < 1024")
        print(f"ratio_vs_floor={a:.2f} ratio_vs_import_export={b:.1f} peak_rss_mb={rss:.0f}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
