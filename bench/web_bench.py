"""Web benchmark (issue 19): the staff pages under a county's load, and a QR-joining rally.

    .venv/bin/python bench/web_bench.py [--data DIR] [--seconds 20] [--users 20] [--rally 5000]
    .venv/bin/python bench/web_bench.py --province --data DIR_WITH_PROVINCE_DEMO

Works on a copy of a data folder (the SQLite file and keys; `--data`, else a fresh demo county built
in a temporary folder with `gonghui migrate` + `gonghui demo`, then `gonghui stats --snapshot` as
`make run` does); var/ is never touched. It starts the real server as `make run` does (gunicorn,
3 workers × 2 threads, the same middleware), logs in virtual users of three roles — the county
admin, a township clerk (古城街道) and a grassroots clerk — and measures:

  1. one user: each page of the issue for each role, sequentially (warm-up, then --reps requests):
     p50/p95/p99 per page and role, the query-free reference view (`/favicon.ico`, same middleware
     stack) measured the same way, and the ratio;
  2. --users concurrent users (default 20) for --seconds, each a role, pages drawn at random:
     requests/s, p50/p95/p99 over all requests, errors;
  3. the rally: --rally applicants (default 5,000) join from the public page, --rally-users at a
     time, each from its own address (X-Forwarded-For through a trusted proxy, as behind nginx):
     the join page, an SMS code (the console backend: the code is read from the server's log), the
     application; meanwhile --rally-staff staff users keep loading pages. Afterwards the database
     is counted: every applicant that was answered with its status page must have exactly one
     application (lost = missing, duplicated = more than one).

It prints the load average next to the figures (the machine may be shared), and last a line
    pages_p50_ms=A pages_p99_ms=B rps=C errors=D rally_p99_ms=E rally_lost=F
A: the slowest page's p50 with one user; B, C: p99 over all requests and requests/s with --users
users; D: errors (non-2xx/3xx or failed requests) in all three phases; E: p99 of the applicants'
requests; F: applications lost or duplicated. Targets: A ≤ 50, B ≤ 300, C ≥ 150, D = 0, E ≤ 1000,
F = 0 (county scale; pages ≤ 100 ms at province scale).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GONGHUI = str(BIN / "gonghui")
PASSWORD = os.environ.get("GONGHUI_DEMO_PASSWORD", "gonghui-demo-2026")
ROLES = ["county_admin", "gucheng_clerk", "grassroots_clerk"]
TARGET_ROLES = list(ROLES)  # the roles: the last line and the concurrent phase use these
# --province: the province and a city admin too (the table; printed, not in the last line), on the province demo's first
# city, its first county, that county's first township and the township's first base union
PROVINCE_ROLES = ["province_admin", "city_admin", *ROLES]

PROVINCE_ACCOUNTS = r"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from gonghui.orgs.models import Org, OrgKind
User = get_user_model()
root = Org.objects.filter(depth=1, kind=OrgKind.PROVINCE_FEDERATION).order_by("path").first()
city = Org.objects.filter(depth=2, path__startswith=root.path).order_by("path").first()
county = Org.objects.filter(depth=3, path__startswith=city.path).order_by("path").first()
town = Org.objects.filter(depth=4, path__startswith=county.path, kind=OrgKind.TOWNSHIP_UNION).order_by("path").first()
base = Org.objects.filter(depth=5, path__startswith=town.path).order_by("path").first()
password = make_password(settings.GONGHUI_DEMO_PASSWORD)
made = []
for name, role, org in [("province_admin", "federation_admin", root), ("city_admin", "federation_admin", city),
                        ("county_admin", "federation_admin", county), ("gucheng_clerk", "clerk", town),
                        ("grassroots_clerk", "clerk", base)]:
    if not User.objects.filter(username=name).exists():
        User.objects.create(username=name, role=role, org=org, password=password, first_name=name)
        made.append(name)
print("BENCH" + json.dumps({"made": made, "county": county.code}))
"""

DISCOVER = r"""
import json
from django.contrib.auth import get_user_model
from gonghui.campaigns.models import Campaign
from gonghui.core import pii
from gonghui.members.exports import ID_CONTEXT
from gonghui.members.models import Membership
from gonghui.orgs.models import Org, OrgKind
out = {"users": {}}
for name in %(roles)r:
    u = get_user_model().objects.select_related("org").get(username=name)
    m = Membership.objects.filter(org_path__startswith=u.org.path).select_related("person").order_by("id").first()
    out["users"][name] = {"org": u.org.code, "name": m.person.name[:1] if m else "张",
                          "id": pii.decrypt(m.person.id_cipher, context=ID_CONTEXT) if m else ""}
c = Campaign.objects.order_by("id").first()
out["campaign"] = c.pk if c else None
g = get_user_model().objects.get(username="grassroots_clerk").org
out["rally_org"] = g.code
out["rally_path"] = g.path
print("BENCH" + json.dumps(out))
"""

COUNT_RALLY = r"""
import json
from gonghui.members.identity import id_index
from gonghui.members.models import Application
ids = json.load(open(%(path)r))
idx = {id_index(n): n for n in ids}
rows = list(Application.objects.filter(id_index__in=list(idx)).values_list("id_index", flat=True))
per = {}
for r in rows:
    per[r] = per.get(r, 0) + 1
print("BENCH" + json.dumps({"found": len(per), "rows": len(rows), "dup": sum(n - 1 for n in per.values() if n > 1)}))
"""


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def shell(code: str, env: dict[str, str]) -> dict:
    r = subprocess.run([GONGHUI, "shell", "-c", code], env=env, capture_output=True, text=True, check=False)
    for line in r.stdout.splitlines():
        if line.startswith("BENCH"):
            return json.loads(line[5:])
    raise SystemExit(f"shell failed: {r.stderr[-2000:]}")


class Browser:
    """One virtual user: a keep-alive connection and its cookies."""

    def __init__(self, port: int, ip: str = "") -> None:
        self.port = port
        self.ip = ip
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, url: str, body: dict | None = None, headers: dict | None = None
                ) -> tuple[int, str, dict[str, str], float]:  # fmt: skip
        h = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if self.ip:
            h["X-Forwarded-For"] = self.ip
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
            h["Referer"] = f"http://127.0.0.1:{self.port}{url}"
            h["Origin"] = f"http://127.0.0.1:{self.port}"
            if "csrftoken" in self.cookies:
                h["X-CSRFToken"] = self.cookies["csrftoken"]
        h.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            t = time.perf_counter()
            try:
                self.conn.request(method, url, body=data, headers=h)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            ms = (time.perf_counter() - t) * 1000
            for k, v in resp.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return resp.status, text, dict(resp.getheaders()), ms
        raise RuntimeError("unreachable")

    def login(self, username: str) -> None:
        status, text, _, _ = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        assert token, f"no login form ({status})"
        status, _, headers, _ = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        )
        assert status == 302, f"login of {username} failed: {status}"


def pages_for(info: dict, role: str) -> dict[str, str]:
    u = info["users"][role]
    code = u["org"]
    pages = {
        "home": "/", "dashboard": f"/dashboard/{code}/", "members": "/members/",
        "search_name": "/members/?" + urllib.parse.urlencode({"q": u["name"]}),
        # the page takes the ID number from the X-Idp header (gonghui.js sends it so it stays out of
        # URLs and logs): see ID_SEARCH below
        "search_id": ID_SEARCH + u["id"],
        "org_tree": "/orgs/", "org_page": f"/orgs/{code}/", "review": "/members/applications/",
        "coverage": f"/orgs/{code}/coverage/", "transfers": "/members/transfers/",
    }  # fmt: skip
    if info.get("campaign"):
        pages["campaign"] = f"/campaigns/{info['campaign']}/"
    return pages


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, key: str, ms: float, ok: bool, what: str = "") -> None:
        with self.lock:
            self.times.setdefault(key, []).append(ms)
            if not ok:
                self.errors.append(what or key)

    def all(self) -> list[float]:
        return [t for xs in self.times.values() for t in xs]


ID_SEARCH = "/members/?search=id#"  # the part after # goes in the X-Idp header, as htmx sends it


def get(b: Browser, url: str) -> tuple[int, str, dict[str, str], float]:
    if url.startswith(ID_SEARCH):
        number = url[len(ID_SEARCH) :]
        return b.request("GET", "/members/", headers={"X-Idp": number, "HX-Request": "true"})
    return b.request("GET", url)


def fetch(b: Browser, rec: Recorder, key: str, url: str) -> None:
    try:
        status, _, _, ms = get(b, url)
        rec.add(key, ms, status < 400, f"{key} {url} → {status}")
    except Exception as e:  # noqa: BLE001 — a failed request is an error of the run
        rec.add(key, 0.0, False, f"{key} {url} → {e!r}")


def one_user(port: int, info: dict, reps: int) -> tuple[Recorder, Recorder]:
    rec, ref = Recorder(), Recorder()
    for role in ROLES:
        b = Browser(port)
        b.login(role)
        for name, url in pages_for(info, role).items():
            for _ in range(3):
                get(b, url)
            for _ in range(reps):
                fetch(b, rec, f"{role} {name}", url)
                fetch(b, ref, "reference", "/favicon.ico")
    return rec, ref


def concurrent(port: int, info: dict, users: int, seconds: float, stop: threading.Event | None = None,
               tag: str = "") -> tuple[Recorder, float]:  # fmt: skip
    rec = Recorder()
    browsers = []
    for i in range(users):
        b = Browser(port)
        role = TARGET_ROLES[i % len(TARGET_ROLES)]
        b.login(role)
        browsers.append((b, role, list(pages_for(info, role).items())))
    end = time.monotonic() + seconds
    start = time.monotonic()

    def run(b: Browser, role: str, pages: list[tuple[str, str]], seed: int) -> None:
        rnd = random.Random(seed)
        while time.monotonic() < end and not (stop and stop.is_set()):
            name, url = rnd.choice(pages)
            fetch(b, rec, f"{tag}{role} {name}", url)

    threads = [threading.Thread(target=run, args=(*x, i)) for i, x in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return rec, time.monotonic() - start


class SmsLog:
    """Reads the server's log: the console SMS backend writes 'SMS to 138****0001: …123456…'."""

    PAT = re.compile(r"SMS to (\S+?): \D*(\d{6})")

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.codes: dict[str, str] = {}
        self.cond = threading.Condition()
        self.tail: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for raw in stream:
            line = raw.decode("utf-8", "replace")
            m = self.PAT.search(line)
            if m:
                with self.cond:
                    self.codes[m.group(1)] = m.group(2)
                    self.cond.notify_all()
            else:
                self.tail = (self.tail + [line])[-50:]

    def wait(self, masked: str, timeout: float = 10) -> str | None:
        end = time.monotonic() + timeout
        with self.cond:
            while masked not in self.codes:
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.codes.pop(masked)


def make_applicants(n: int) -> list[dict[str, str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from gonghui.core import ids

    out = []
    for i in range(n):
        born = dt.date(2001, 1, 1) + dt.timedelta(days=i // 400)
        number = ids.make_id_number("530325", born, 100 + i % 400)
        phone = f"139{i // 10000:04d}{i % 10000:04d}"
        out.append({"id": number, "phone": phone, "masked": f"{phone[:3]}****{phone[-4:]}",
                    "ip": f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", "name": f"集会{i % 97}号"})  # fmt: skip
    return out


def rally(port: int, info: dict, applicants: list[dict[str, str]], conc: int, sms: SmsLog
          ) -> tuple[Recorder, list[str]]:  # fmt: skip
    rec = Recorder()
    code = info["rally_org"]
    answered: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(applicants))

    def one(a: dict[str, str]) -> None:
        b = Browser(port, ip=a["ip"])
        try:
            status, text, _, ms = b.request("GET", f"/join/{code}/")
            rec.add("join page", ms, status == 200, f"join page {status}")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
            if status != 200 or not token:
                return
            csrf = token.group(1)
            status, _, _, ms = b.request("POST", f"/join/{code}/sms/", {"csrfmiddlewaretoken": csrf, "phone": a["phone"]},
                                         {"HX-Request": "true"})  # fmt: skip
            rec.add("sms", ms, status == 200, f"sms {status}")
            sms_code = sms.wait(a["masked"])
            if sms_code is None:
                rec.add("sms", 0.0, False, "sms code never logged")
                return
            data = {"csrfmiddlewaretoken": csrf, "name": a["name"], "id_number": a["id"], "phone": a["phone"],
                    "sms_code": sms_code, "hukou_type": "agri", "education": "70", "ethnicity": "01",
                    "employment_status": "employed", "employer": "", "employer_name": "集会公司", "job": "操作工",
                    "workplace": "古城", "new_employment_group": "", "consent": "on"}  # fmt: skip
            status, text, headers, ms = b.request("POST", f"/join/{code}/", data)
            ok = status == 302 and "/join/status/" in headers.get("Location", "")
            rec.add(
                "apply",
                ms,
                ok,
                f"apply {status} " + " ".join(re.findall(r'class="errorlist[^"]*"><li>([^<]+)', text))[:200],
            )
            if ok:
                with lock:
                    answered.append(a["id"])
        except Exception as e:  # noqa: BLE001
            rec.add("apply", 0.0, False, f"apply {e!r}")

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                a = queue.pop()
            one(a)

    threads = [threading.Thread(target=worker) for _ in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return rec, answered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def summary(title: str, rec: Recorder) -> None:
    print(f"  {title:<34} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    for key in sorted(rec.times):
        xs = rec.times[key]
        print(f"  {key:<34} {len(xs):>6} {pct(xs, 50):>8.1f} {pct(xs, 95):>8.1f} {pct(xs, 99):>8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data", help="data folder to copy (gonghui.sqlite3 + keys); default: a fresh demo county"
    )
    ap.add_argument(
        "--province", action="store_true", help="the data folder holds `gonghui demo --scale province`"
    )
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--reps", type=int, default=15, help="requests per page and role with one user")
    ap.add_argument("--rally", type=int, default=5000, help="applicants (0: no rally)")
    ap.add_argument("--rally-users", type=int, default=20, help="applicants at a time")
    ap.add_argument("--rally-staff", type=int, default=4, help="staff users loading pages meanwhile")
    ap.add_argument("--workers", type=int, default=int(os.environ.get("GONGHUI_WEB_WORKERS", 3)))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gonghui-web-bench-"))
    data = work / "data"
    env = {**os.environ, "GONGHUI_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "gonghui.settings",
           "GONGHUI_TRUSTED_PROXIES": "127.0.0.1", "GONGHUI_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "GONGHUI_SMS_BACKEND": "gonghui.members.sms.ConsoleBackend"}  # fmt: skip
    env.pop("GONGHUI_DATABASE_URL", None)  # SQLite, as `make run`
    server = None
    try:
        if args.data:
            shutil.copytree(args.data, data, ignore=shutil.ignore_patterns("uploads", "workers", "*.log"))
            subprocess.run([GONGHUI, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        else:
            if args.province:
                raise SystemExit("--province needs --data (a folder holding `gonghui demo --scale province`)")
            data.mkdir()
            t = time.perf_counter()
            subprocess.run([GONGHUI, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            subprocess.run([GONGHUI, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
            print(f"demo county loaded in {time.perf_counter() - t:.0f} s")
        subprocess.run([GONGHUI, "stats", "--snapshot"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([GONGHUI, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        if args.province:
            global ROLES  # noqa: PLW0603 — the phases read the role list
            ROLES = PROVINCE_ROLES
            print(f"province accounts: {shell(PROVINCE_ACCOUNTS, env)}")
        info = shell(DISCOVER % {"roles": ROLES}, env)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "gonghui.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
             str(args.workers), "--threads", "2", "--timeout", "120", "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert server.stderr is not None
        sms = SmsLog(server.stderr)
        for _ in range(600):
            try:
                if Browser(port).request("GET", "/favicon.ico")[0] < 500:
                    break
            except OSError:
                time.sleep(0.1)
        scale = "province" if args.province else "county"
        print(
            f"web bench, {scale} scale, gunicorn {args.workers} workers × 2 threads; load average {loadavg()}"
        )

        # 1. one user
        rec1, ref = one_user(port, info, args.reps)
        summary("one user (page by role)", rec1)
        ref50 = pct(ref.all(), 50)
        # the slowest page of the three roles (province and city admins are printed above)
        targets = [k for k in rec1.times if k.split(" ", 1)[0] in TARGET_ROLES]
        slowest = max(targets, key=lambda k: pct(rec1.times[k], 50))
        pages_p50 = pct(rec1.times[slowest], 50)
        print(f"  reference (/favicon.ico, same middleware): p50 {ref50:.1f} ms; slowest page {slowest}: "
              f"p50 {pages_p50:.1f} ms = {pages_p50 / max(ref50, 0.01):.1f}× the reference; load average {loadavg()}")  # fmt: skip

        # 2. concurrent users
        rec2, secs = concurrent(port, info, args.users, args.seconds)
        n2 = len(rec2.all())
        rps = n2 / secs
        p99 = pct(rec2.all(), 99)
        print(f"{args.users} users for {secs:.0f} s: {n2} requests, {rps:.1f} req/s, p50 {pct(rec2.all(), 50):.1f} ms, "
              f"p95 {pct(rec2.all(), 95):.1f} ms, p99 {p99:.1f} ms, errors {len(rec2.errors)}; load average {loadavg()}")  # fmt: skip

        # 3. the rally, staff pages meanwhile
        rally_p99, lost, rec3, staff = 0.0, 0, Recorder(), Recorder()
        if args.rally:
            applicants = make_applicants(args.rally)
            stop = threading.Event()
            staff_out: list = []
            st = threading.Thread(target=lambda: staff_out.append(
                concurrent(port, info, args.rally_staff, 10**6, stop, tag="staff ")))  # fmt: skip
            st.start()
            t = time.perf_counter()
            rec3, answered = rally(port, info, applicants, args.rally_users, sms)
            took = time.perf_counter() - t
            stop.set()
            st.join()
            staff = staff_out[0][0] if staff_out else Recorder()
            ids_file = work / "rally_ids.json"
            ids_file.write_text(json.dumps(answered))
            counted = shell(COUNT_RALLY % {"path": str(ids_file)}, env)
            lost = (len(answered) - counted["found"]) + counted["dup"]
            rally_p99 = pct(rec3.all(), 99)
            summary(f"rally: {len(applicants)} applicants, {args.rally_users} at a time", rec3)
            print(f"  {len(answered)} answered with their status page in {took:.0f} s "
                  f"({len(applicants) / took * 60:.0f} applicants/min); applications found {counted['found']}, "
                  f"duplicated {counted['dup']}, lost {len(answered) - counted['found']}; refused or failed "
                  f"{len(applicants) - len(answered)}; load average {loadavg()}")  # fmt: skip
            sx = staff.all()
            print(f"  staff pages meanwhile ({args.rally_staff} users): {len(sx)} requests, p50 {pct(sx, 50):.1f} ms, "
                  f"p99 {pct(sx, 99):.1f} ms, errors {len(staff.errors)}")  # fmt: skip
        errors = rec1.errors + rec2.errors + rec3.errors + staff.errors
        for e in sorted(set(errors))[:20]:
            print(f"  error: {e} (×{errors.count(e)})")
        if errors and sms.tail:
            print("  server log tail:\n    " + "    ".join(sms.tail[-10:]))
        print(f"pages_p50_ms={pages_p50:.1f} pages_p99_ms={p99:.1f} rps={rps:.1f} errors={len(errors)} "
              f"rally_p99_ms={rally_p99:.1f} rally_lost={lost}")  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
