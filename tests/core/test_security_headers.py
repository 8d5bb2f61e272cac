"""Browser-side hardening headers (issue 12, finding 9; settings.py security section, core/security.py).

A strict Content-Security-Policy on every page (no inline script, no eval), `Cache-Control: no-store`
on every response a view builds (pages, htmx partials, API, downloads) but not on static files,
nosniff / Referrer-Policy / X-Frame-Options, and HSTS with secure cookies.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "gonghui" / "templates"


def _csp(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _assert_strict(response: Any) -> None:
    csp = _csp(response)
    assert csp.get("script-src") == ["'self'"], csp
    assert csp.get("object-src") == ["'none'"]
    assert csp.get("base-uri") == ["'none'"]
    assert csp.get("frame-ancestors") == ["'none'"]
    assert csp.get("form-action") == ["'self'"]
    assert csp.get("default-src") == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in header and "http:" not in header and "https:" not in header
    assert "'unsafe-inline'" not in csp.get("script-src", []) + csp.get("default-src", [])


def _assert_no_store(response: Any) -> None:
    cc = response.headers.get("Cache-Control", "")
    assert "no-store" in cc and "public" not in cc, (response.status_code, cc)


def _assert_common(response: Any) -> None:
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_anonymous_pages_strict_csp_and_no_store(client: Any, tree: dict[str, Any]) -> None:
    for url in ("/login/", "/this-page-does-not-exist/"):
        r = client.get(url)
        assert r.status_code in (200, 404)
        _assert_strict(r)
        _assert_no_store(r)
        _assert_common(r)


def test_staff_pages_strict_csp_and_no_store(login: Any, tree: dict[str, Any]) -> None:
    client = login("county_admin")
    urls = ["/", "/members/", "/orgs/", "/orgs/T0002/", "/campaigns/", "/dashboard/T0001/", "/audit/"]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        _assert_strict(r)
        _assert_no_store(r)
        _assert_common(r)
        # the pages load their scripts from static files only; nothing inline, nothing from elsewhere
        html = r.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
    # an htmx partial answers with the same headers
    r = client.get("/members/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    _assert_no_store(r)


def test_api_answers_no_store(client: Any, api_token: Any) -> None:
    h = api_token("east_admin")
    ok = client.get("/api/v1/orgs", **h)
    assert ok.status_code == 200 and ok.json()
    _assert_no_store(ok)
    refused = client.get("/api/v1/orgs")
    assert refused.status_code == 401
    _assert_no_store(refused)
    missing = client.get("/api/v1/orgs/T0006", **h)  # west: outside east's scope
    assert missing.status_code == 404
    _assert_no_store(missing)
    unknown = client.get("/api/v1/no-such-route", **h)  # an error answer outside ninja's routes
    assert unknown.status_code == 404
    _assert_no_store(unknown)


def test_a_view_that_says_public_is_overridden(rf: Any) -> None:
    from django.http import HttpResponse

    from gonghui.core.security import NoStoreMiddleware

    def view(request: Any) -> HttpResponse:
        r = HttpResponse("x")
        r["Cache-Control"] = "public, max-age=3600"
        return r

    r = NoStoreMiddleware(view)(rf.get("/"))
    cc = r.headers["Cache-Control"]
    assert "no-store" in cc and "private" in cc and "public" not in cc and "max-age=0" in cc

    def already(request: Any) -> HttpResponse:
        r = HttpResponse("x")
        r["Cache-Control"] = "no-store"
        return r

    assert NoStoreMiddleware(already)(rf.get("/")).headers["Cache-Control"] == "no-store"


def test_static_files_are_cacheable_and_carry_no_page_policy(client: Any) -> None:
    r = client.get("/static/js/gonghui.js")
    assert r.status_code == 200
    body = b"".join(r.streaming_content) if r.streaming else r.content
    assert b"escapeHtml" in body
    assert "no-store" not in r.headers.get("Cache-Control", "")
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


_PROBE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
import django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
plain = c.get("/static/js/gonghui.js")
tls = c.get("/static/js/gonghui.js", secure=True)
proxied = c.get("/static/js/gonghui.js", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "plain": plain.headers.get("Strict-Transport-Security"),
    "tls": tls.headers.get("Strict-Transport-Security"),
    "proxied": proxied.headers.get("Strict-Transport-Security"),
}))
"""


def _probe(tmp_path: Path, **env: str) -> dict[str, Any]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GONGHUI_")}
    environ.update(GONGHUI_DATA_DIR=str(tmp_path), **env)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=environ, capture_output=True, text=True, timeout=120, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_hsts_and_secure_cookies_follow_the_secure_cookies_setting(tmp_path: Path) -> None:
    off = _probe(tmp_path)
    assert off == {"hsts_seconds": 0, "session_secure": False, "csrf_secure": False,
                   "plain": None, "tls": None, "proxied": None}  # fmt: skip
    on = _probe(tmp_path, GONGHUI_SECURE_COOKIES="1")
    assert on["hsts_seconds"] == 31_536_000 and on["session_secure"] and on["csrf_secure"]
    assert on["tls"] == "max-age=31536000" and on["plain"] is None
    assert on["proxied"] is None  # X-Forwarded-Proto is not believed unless a proxy is declared
    behind = _probe(
        tmp_path, GONGHUI_SECURE_COOKIES="1", GONGHUI_BEHIND_TLS_PROXY="1", GONGHUI_HSTS_SECONDS="600"
    )
    assert behind["proxied"] == "max-age=600" and behind["plain"] is None


# Inline script, inline event handlers and htmx's eval features would all be blocked by the policy
# (or need 'unsafe-inline'/'unsafe-eval'): none may come back into a template.
INLINE = [
    (re.compile(r"""<script\b(?![^>]*\b(?:src=|type="application/json"))[^>]*>""", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\bhx-on\b|\bhx-on[:-]", re.I), "hx-on (needs eval)"),
    (
        re.compile(r"""hx-(?:vals|headers|vars)\s*=\s*['"]\s*(?:js|javascript):""", re.I),
        "htmx js: value (needs eval)",
    ),
    (re.compile(r"""hx-trigger\s*=\s*['"][^'"]*\[""", re.I), "htmx trigger filter (needs eval)"),
    (re.compile(r"""(?:href|src|action)\s*=\s*['"]\s*javascript:""", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_eval() -> None:
    found = []
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        for rx, what in INLINE:
            for m in rx.finditer(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {what}: {m.group(0)}")
    assert found == []


def test_htmx_runs_without_eval() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    m = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base)
    assert m, "base.html configures htmx"
    assert json.loads(m.group(1)) == {"allowEval": False, "allowScriptTags": False}
    assert base.index('name="htmx-config"') < base.index("htmx.min.js")
