"""Every URL pattern and API route goes through the gatekeeper (DESIGN.md, security).

The test walks the URL resolver, so a new route is covered the day it is added: it must either
be listed as public, or answer 403/404 to an account whose scope does not include the object,
and 403 to a viewer trying to write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Routes anyone may open (login, the worker's own join and card-check pages).
PUBLIC = {"login", "logout", "api:openapi-json", "api:openapi-view", "api:api-root"}
# Every logged-in account changes its own password, viewers included (tests/accounts/test_security.py).
PUBLIC |= {"password_change", "account_phone"}
# Help pages: every logged-in account reads every area's help (nothing in them is scoped).
PUBLIC |= {"sysconf:help"}
# The site's icon, answered to everyone like a static file.
PUBLIC |= {"favicon"}
PUBLIC_PREFIXES = ("static/", "media/")
# URL names whose pages are public by design, matched by prefix (filled by later apps).
PUBLIC_NAME_PREFIXES: tuple[str, ...] = ("members:public_", "members:join", "members:card_check")

WRITE_METHODS = ("post", "patch", "put", "delete")
# Writes that change only the acting account's own state, which every role may do.
OWN_STATE = {"elections:notifications_read", "api:notification_read"}


def walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, list[str]]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            sub_ns = ns
            if p.namespace:
                sub_ns = f"{ns}:{p.namespace}" if ns else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            route = prefix + str(p.pattern)
            yield (
                name,
                route,
                list(p.pattern.converters.keys())
                if hasattr(p.pattern, "converters")
                else re.findall(r"<(?:\w+:)?(\w+)>", route),
            )


def all_routes() -> list[tuple[str, str, list[str]]]:
    routes = []
    for name, route, _params in walk(get_resolver().url_patterns):
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        routes.append((name, route, params))
    return routes


def fill(route: str, values: dict[str, Any], name: str = "") -> str:
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    missing = [p for p in params if p not in values]
    assert not missing, f"{name or route}: add values for {missing} (EXTRA_VALUES)"
    if name:
        return reverse(name, kwargs={p: values[p] for p in params})
    return "/" + route


def is_public(name: str, route: str) -> bool:
    return name in PUBLIC or route.startswith(PUBLIC_PREFIXES) or name.startswith(PUBLIC_NAME_PREFIXES)


def object_values(tree: dict[str, Any], *, inside: bool) -> dict[str, dict[str, Any]]:
    """Path values per URL namespace: objects outside the east township, or inside it."""
    orgs, emps = tree["orgs"], tree["employers"]
    org = orgs["T0003"] if inside else orgs["T0006"]
    employer = emps["甲公司"] if inside else emps["戊公司"]
    values = {
        "orgs": {"code": org.code, "pk": employer.pk},
        "api": {
            "code": org.code,
            "employer_id": employer.pk,
            "username": "a_clerk" if inside else "west_admin",
        },
        "reports": {"code": org.code, "fmt": "xlsx"},
        # accounts: a clerk of the township (inside) or of 西镇 (outside); sysconf: the root admin's pages
        "": {"code": org.code, "pk": employer.pk, "username": "a_clerk" if inside else "west_admin"},
        "sysconf": {"key": "term-due-days", "table": "education"},
        # one object of each kind named in bodies and query strings (tests/accounts/gatekeeper.py)
        "ids": {"org_code": org.code, "employer": employer.pk},
    }
    for hook in EXTRA_VALUES:
        hook(tree, values, inside)
    return values


# Later apps register functions(tree, values, inside) adding their own path values.
EXTRA_VALUES: list[Any] = []

# A plausible body for each API write route, so the check reaches the handler (not a 422).
API_BODIES: dict[str, dict[str, Any]] = {
    "orgs": {"parent": "{code}", "kind": "grassroots", "name": "新工会", "region_code": "530326"},
    "orgs/{code}": {"name": "改名"},
    "orgs/{code}/move": {"parent": "{code}"},
    "accounts": {"username": "gk_new", "name": "新账号", "org": "{code}", "role": "clerk"},
    "accounts/{username}": {"name": "改名"},
}


def body_for(route: str, values: dict[str, Any]) -> str:
    key = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.split("api/v1/", 1)[1]).strip("/")
    body = API_BODIES.get(key, {})
    return json.dumps({k: (v.format(**values) if isinstance(v, str) else v) for k, v in body.items()})


def request(
    client: Any, method: str, url: str, route: str, values: dict[str, Any], headers: dict[str, str]
) -> Any:
    if route.startswith("api/"):
        return getattr(client, method)(url, data=body_for(route, values) if method != "get" else None,
                                       content_type="application/json", **headers)  # fmt: skip
    return getattr(client, method)(url, **headers)


@pytest.mark.django_db
def test_every_route_is_known() -> None:
    routes = all_routes()
    assert len(routes) > 20
    for name, route, _params in routes:
        assert name or route.startswith(PUBLIC_PREFIXES), f"route {route} has no name"


@pytest.mark.django_db
def test_township_account_gets_403_or_404_outside_its_township(
    client: Any, tree: dict[str, Any], api_token: Any
) -> None:
    """east_admin (union admin of 东镇) asks for objects of 西镇: nothing comes back."""
    client.force_login(tree["users"]["east_admin"])
    headers = api_token("east_admin")
    values = object_values(tree, inside=False)
    checked = 0
    for name, route, params in all_routes():
        if is_public(name, route) or not params:
            continue
        ns = name.split(":")[0] if ":" in name else ""
        url = fill(route, values.get(ns, values[""]), name)
        answered = []
        for method in ("get", *WRITE_METHODS):
            resp = request(
                client,
                method,
                url,
                route,
                values.get(ns, values[""]),
                headers if route.startswith("api/") else {},
            )
            if resp.status_code == 405:
                continue
            answered.append(method)
            assert resp.status_code in (403, 404), f"{method.upper()} {url} ({name}) → {resp.status_code}"
        assert answered, f"{url} ({name}) answered no method"
        checked += 1
    assert checked >= 15


@pytest.mark.django_db
def test_routes_without_objects_are_scoped_or_guarded(
    client: Any, tree: dict[str, Any], api_token: Any
) -> None:
    """Lists and home pages: anonymous users are turned away; API needs a token."""
    for name, route, params in all_routes():
        if is_public(name, route) or params:
            continue
        url = fill(route, {}, name)
        resp = client.get(url)
        if route.startswith("api/") and resp.status_code == 405:  # a write-only route: ask with POST
            resp = client.post(url, data="{}", content_type="application/json")
        if route.startswith("api/"):
            assert resp.status_code == 401, f"GET {url} anonymous → {resp.status_code}"
            assert resp.json()["code"] == "unauthorized"
        else:
            assert resp.status_code in (302, 403, 405), f"GET {url} anonymous → {resp.status_code}"
            if resp.status_code == 302:
                assert "/login/" in resp["Location"]


@pytest.mark.django_db
def test_viewer_cannot_write_anything(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    """A viewer of the county (whole tree in scope) is refused every write, and nothing changes."""
    from gonghui.core.models import AuditEntry
    from gonghui.orgs.models import Employer, Org

    client.force_login(tree["users"]["county_viewer"])
    headers = api_token("county_viewer")
    before = (
        AuditEntry.objects.count(),
        list(Org.objects.values_list("path", "name", "status")),
        Employer.objects.count(),
    )
    values = object_values(tree, inside=True)
    writes = 0
    for name, route, _params in all_routes():
        if is_public(name, route) or name in OWN_STATE:
            continue
        ns = name.split(":")[0] if ":" in name else ""
        url = fill(route, values.get(ns, values[""]), name)
        for method in WRITE_METHODS:
            resp = request(
                client,
                method,
                url,
                route,
                values.get(ns, values[""]),
                headers if route.startswith("api/") else {},
            )
            if resp.status_code == 405 or (resp.status_code == 404 and route.startswith("api/")):
                continue
            writes += 1
            assert resp.status_code == 403, f"{method.upper()} {url} ({name}) as viewer → {resp.status_code}"
    assert writes >= 10
    after = (
        AuditEntry.objects.count(),
        list(Org.objects.values_list("path", "name", "status")),
        Employer.objects.count(),
    )
    assert after == before


@pytest.mark.django_db
def test_township_account_sees_its_own_objects(client: Any, tree: dict[str, Any]) -> None:
    """The converse, so the 404s above are not just a broken page."""
    client.force_login(tree["users"]["east_admin"])
    assert client.get("/orgs/T0003/").status_code == 200
    assert client.get(f"/employers/{tree['employers']['甲公司'].pk}/").status_code == 200
    assert client.get("/orgs/T0006/").status_code == 404
    assert client.get("/orgs/T0001/").status_code == 404


@pytest.mark.django_db
def test_foreign_ids_in_bodies_and_query_strings_answer_like_missing_ones(
    client: Any, tree: dict[str, Any], api_token: Any
) -> None:
    """Every id or org code in an API body or query string resolves inside the scope: another
    township's object answers exactly like one nobody has (tests/accounts/gatekeeper.py)."""
    from tests.accounts import gatekeeper as sweep

    client.raise_request_exception = False
    headers = api_token("east_admin")
    inside, outside = object_values(tree, inside=True), object_values(tree, inside=False)
    own, foreign = inside["ids"], outside["ids"]
    nobody = {k: sweep.NOBODY_INT for k in own} | sweep.nobody_values()
    doc = sweep.openapi()
    s = sweep.Sweep()

    def judge(label: str, tries: dict[str, tuple[int, Any]]) -> None:
        if tries["foreign"] != tries["nobody"] or tries["foreign"][0] >= 500:
            s.leaks.append({"where": label, "foreign": tries["foreign"], "nobody": tries["nobody"]})
        if tries["own"] != tries["nobody"]:
            s.reached += 1
        else:
            s.not_reached.append(f"{label}: {tries['own'][0]} {str(tries['own'][1])[:160]}")

    for path, ops in doc["paths"].items():
        key = path.split("/api/v1/", 1)[1].strip("/")
        url = path.format(**inside["api"])
        for method, op in ops.items():
            if method == "get":
                for param in op.get("parameters", []):
                    kind = sweep.kind_of(key, param["name"]) if param["in"] == "query" else None
                    if kind is None:
                        continue
                    if kind not in foreign:
                        s.untried.append(f"GET {key} ?{param['name']} ({kind})")
                        continue
                    tries = {}
                    for who, v in (("own", own[kind]), ("foreign", foreign[kind]), ("nobody", nobody[kind])):
                        resp = sweep.rolled_back(client.get, url, {param["name"]: v}, **headers)
                        tries[who] = sweep.answer(resp, v)
                    s.query_ids += 1
                    s.routes.add(f"GET {key}")
                    judge(f"GET {key} ?{param['name']}", tries)
            elif method in ("post", "patch", "put"):
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" not in content:
                    if content:
                        s.skipped.append(f"{method.upper()} {key} (multipart)")
                    continue
                schema = content["application/json"]["schema"]
                slots = sweep.id_slots(doc, key, schema)
                required = set(sweep.resolve(doc, schema).get("required", []))
                for slot in slots:
                    name, sub, kind, _is_list = slot
                    base = sweep.with_values(
                        sweep.SWEEP_BODIES.get((key, name), API_BODIES.get(key, {})), inside["api"]
                    )
                    label = f"{method.upper()} {key} {name}{'.' + sub if sub else ''}"
                    if kind not in foreign:
                        s.untried.append(f"{label} ({kind})")
                        continue
                    tries = {}
                    for who, v in (("own", own[kind]), ("foreign", foreign[kind]), ("nobody", nobody[kind])):
                        body = json.dumps(sweep.body_with(base, required, slots, slot, v))
                        send = getattr(client, method)
                        resp = sweep.rolled_back(
                            send, url, data=body, content_type="application/json", **headers
                        )
                        tries[who] = sweep.answer(resp, v)
                    s.body_ids += 1
                    s.routes.add(f"{method.upper()} {key}")
                    judge(label, tries)

    print("\n" + s.report())
    print("not decisive (the in-scope value answered like nobody's):", *s.not_reached, sep="\n  ")
    print("untried (no object of the kind):", *s.untried, sep="\n  ")
    print("skipped:", *s.skipped, sep="\n  ")
    for leak in s.leaks:
        print("LEAK", leak["where"], "foreign →", leak["foreign"], "nobody →", leak["nobody"])
    assert s.body_ids >= 20 and s.query_ids >= 8
    unknown = [x for x in s.leaks if x["where"] not in sweep.KNOWN_LEAKS]
    assert not unknown, unknown
