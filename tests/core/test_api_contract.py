"""The JSON API's contract (issue 12, finding 7): bounded input, `null` refused where the model
refuses it, errors always {"code","message","details"}, unique component names, error codes as
enumerations per app in the OpenAPI document."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError

BIG = 99999999999999999999  # above 2**63: reached SQLite before (OverflowError / datatype mismatch)


def _err(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code, body
    assert body["message"]
    return body


def _fields(body: dict[str, Any]) -> set[str]:
    return {d["field"] for d in body["details"]}


@pytest.fixture
def admin(client: Any, api_token: Any) -> Any:
    """The test client with a county admin's bearer token on every request."""
    headers = api_token("county_admin")

    class C:
        def get(self, url: str, **kw: Any) -> Any:
            return client.get(url, **headers, **kw)

        def post(self, url: str, data: Any = None) -> Any:
            return client.post(url, json.dumps(data), content_type="application/json", **headers)

        def patch(self, url: str, data: Any) -> Any:
            return client.patch(url, json.dumps(data), content_type="application/json", **headers)

        def put(self, url: str, data: Any) -> Any:
            return client.put(url, json.dumps(data), content_type="application/json", **headers)

        def delete(self, url: str) -> Any:
            return client.delete(url, **headers)

    return C()


# --- numbers above the database's range are a 422, never a 500 ------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/members?offset={BIG}",
        f"/api/v1/orgs?limit={BIG}",
        f"/api/v1/orgs?offset={BIG}",
        f"/api/v1/care/files?offset={BIG}",
        f"/api/v1/terms?due_within={BIG}",
        "/api/v1/terms?due_within=825655652288",
        f"/api/v1/employers/{BIG}",
        f"/api/v1/members/{BIG}",
        f"/api/v1/elections/{BIG}",
        f"/api/v1/care/courses/1/trainees?offset={BIG}",
    ],
)
def test_numbers_beyond_the_database_range_are_refused(admin: Any, url: str) -> None:
    body = _err(admin.get(url), 422, "invalid")
    assert _fields(body) & {"offset", "limit", "due_within", "employer_id", "member_id", "election_id"}


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/api/v1/care/courses/1/trainees", {"member_ids": [BIG]}, "member_ids.0"),
        ("/api/v1/care/programmes/1/entries", {"file_ids": [BIG]}, "file_ids.0"),
        ("/api/v1/care/programmes/1/payments", {"entry_ids": [BIG], "paid_on": "2026-01-01"}, "entry_ids.0"),
        ("/api/v1/elections/1/candidates/remove", {"ids": [BIG]}, "ids.0"),
        ("/api/v1/formations/1/roster/remove", {"ids": [BIG]}, "ids.0"),
        ("/api/v1/cards", {"org": "T0003", "membership_ids": [BIG]}, "membership_ids.0"),
    ],
)
def test_id_lists_beyond_the_database_range_are_refused(admin: Any, url: str, data: Any, field: str) -> None:
    body = _err(admin.post(url, data), 422, "invalid")
    assert field in _fields(body)


def test_small_integer_columns_refuse_70000(admin: Any, tree: dict[str, Any]) -> None:
    for data in ({"full_time_staff": 70000}, {"term_number": 999999}):
        body = _err(admin.patch("/api/v1/orgs/T0003", data), 422, "invalid")
        assert _fields(body) == set(data)
    body = _err(admin.put("/api/v1/elections/1/posts", {"committee": 70000}), 422, "invalid")
    assert _fields(body) == {"committee"}
    tree["orgs"]["T0003"].refresh_from_db()
    assert tree["orgs"]["T0003"].full_time_staff == 0


def test_strings_longer_than_the_column_or_with_nul_are_refused(admin: Any, tree: dict[str, Any]) -> None:
    body = _err(admin.patch("/api/v1/orgs/T0003", {"chair_name": "张" * 41}), 422, "invalid")
    assert _fields(body) == {"chair_name"}
    body = _err(admin.patch("/api/v1/orgs/T0003", {"address": "a\x00b"}), 422, "invalid")
    assert _fields(body) == {"address"}
    assert admin.patch("/api/v1/orgs/T0003", {"chair_name": "张" * 40}).status_code == 200


# --- null where the model refuses it --------------------------------------------------------


@pytest.mark.parametrize("field", ["chair_name", "region_code", "name", "full_time_staff", "address"])
def test_patch_with_null_for_a_not_null_column_is_a_422(admin: Any, tree: dict[str, Any], field: str) -> None:
    body = _err(admin.patch("/api/v1/orgs/T0003", {field: None}), 422, "invalid")
    assert _fields(body) == {field}


def test_patch_null_where_the_column_allows_it_and_absent_fields_unchanged(
    admin: Any, tree: dict[str, Any]
) -> None:
    org = tree["orgs"]["T0003"]
    r = admin.patch("/api/v1/orgs/T0003", {"term_number": 3, "chair_name": "李四"})
    assert r.status_code == 200, r.content
    r = admin.patch("/api/v1/orgs/T0003", {"term_number": None})
    assert r.status_code == 200, r.content
    org.refresh_from_db()
    assert org.term_number is None
    assert org.chair_name == "李四"  # not sent: unchanged


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/api/v1/campaigns/1", {"description": None}),
        ("/api/v1/campaigns/1", {"name": None}),
        ("/api/v1/formations/1", {"kind": None}),
        ("/api/v1/formations/1", {"chair_name": None}),
        ("/api/v1/formations/1", {"request_text": None}),
        ("/api/v1/elections/1", {"place": None}),
    ],
)
def test_patch_null_refused_in_every_app(admin: Any, url: str, data: dict[str, Any]) -> None:
    body = _err(admin.patch(url, data), 422, "invalid")
    assert _fields(body) == set(data)


# --- errors always in the JSON shape ----------------------------------------------------------


def test_unknown_api_paths_and_methods_answer_json(admin: Any, client: Any) -> None:
    _err(admin.get("/api/v1/no-such-thing"), 404, "not_found")
    _err(admin.get("/api/v1/orgs/T0003/no-such-thing"), 404, "not_found")
    _err(client.get("/api/v2/orgs"), 404, "not_found")
    r = admin.delete("/api/v1/orgs")
    _err(r, 405, "method_not_allowed")
    assert "GET" in r["Allow"]
    _err(client.get("/api/v1/orgs"), 401, "unauthorized")
    _err(admin.get("/api/v1/orgs/NOPE"), 404, "not_found")


def test_malformed_json_is_a_400_in_the_shape(admin: Any, client: Any, api_token: Any) -> None:
    r = client.post("/api/v1/orgs", "{not json", content_type="application/json", **api_token("county_admin"))
    _err(r, 400, "invalid")


def test_validation_errors_name_their_fields(admin: Any) -> None:
    body = _err(admin.post("/api/v1/orgs", {"parent": "T0002", "kind": "nonsense"}), 422, "invalid")
    assert {"kind", "name", "region_code"} <= _fields(body)
    assert all(d["in"] == "body" and d["message"] for d in body["details"])


def test_middleware_turns_a_server_error_page_into_the_shape() -> None:
    from django.test import RequestFactory

    from gonghui.core.errors import ApiErrorMiddleware

    def boom(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError("<h1>Server Error (500)</h1>")

    r = ApiErrorMiddleware(boom)(RequestFactory().get("/api/v1/orgs"))
    assert r.status_code == 500
    assert json.loads(r.content) == {
        "code": "server_error",
        "message": "服务器内部错误，已记录，请稍后再试或联系管理员。",
        "details": None,
    }
    # pages keep their HTML
    page = ApiErrorMiddleware(lambda request: HttpResponseNotFound("<p>x</p>"))(
        RequestFactory().get("/orgs/")
    )
    assert page.content == b"<p>x</p>"


# --- the OpenAPI document ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    from gonghui.api import api

    return api.get_openapi_schema()


def _ref(schema: dict[str, Any]) -> str:
    return schema["$ref"].rsplit("/", 1)[1]


def test_component_names_are_unique_across_apps() -> None:
    """Two Schema classes with one name make one OpenAPI component: the document is wrong for one."""
    import inspect

    from ninja import Schema

    import gonghui.api  # noqa: F401  (imports every app's API modules)

    seen: dict[str, str] = {}
    modules = [m for n, m in list(sys.modules.items()) if n.startswith("gonghui.") and ".api" in n]
    assert len(modules) >= 6, modules
    for m in modules:
        for cls_name, cls in inspect.getmembers(m, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == m.__name__ and cls_name != "Input":
                assert cls_name not in seen, f"{cls_name} in {m.__name__} and {seen[cls_name]}"
                seen[cls_name] = m.__name__


def test_colliding_schemas_renamed_and_documented_right(doc: dict[str, Any]) -> None:
    paths = doc["paths"]
    note = paths["/api/v1/campaigns/{campaign_id}/notes"]["post"]
    assert _ref(note["requestBody"]["content"]["application/json"]["schema"]) == "CampaignNoteIn"
    assert {"org", "on", "findings"} <= set(doc["components"]["schemas"]["CampaignNoteIn"]["required"])
    accept = paths["/api/v1/transfers/{transfer_id}/accept"]["post"]
    assert _ref(accept["requestBody"]["content"]["application/json"]["schema"]) == "TransferNoteIn"
    care_doc = doc["components"]["schemas"]["FileDetailOut"]["properties"]["documents"]["items"]
    assert _ref(care_doc) == "HardshipDocumentOut"
    assert "uploaded_at" in doc["components"]["schemas"]["HardshipDocumentOut"]["required"]
    assert "sha256" in doc["components"]["schemas"]["DocumentOut"]["required"]  # the elections one


def test_error_codes_are_enumerations_per_app(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    care = schemas["CareErrorOut"]["properties"]["code"]["enum"]
    assert {"invalid", "not_found", "not_eligible", "not_trainee", "member_not_found"} <= set(care)
    campaigns = schemas["CampaignsErrorOut"]["properties"]["code"]["enum"]
    assert {"unit_scope", "period", "sum_mismatch"} <= set(campaigns)  # `period` comes through a helper
    assert "not_eligible" not in campaigns
    assert "ErrorOut" not in schemas
    op = doc["paths"]["/api/v1/care/programmes/{programme_id}/entries"]["post"]
    for status in ("400", "401", "403", "404", "409", "422"):
        assert _ref(op["responses"][status]["content"]["application/json"]["schema"]) == "CareErrorOut"
    op = doc["paths"]["/api/v1/orgs"]["get"]
    assert _ref(op["responses"]["422"]["content"]["application/json"]["schema"]) == "OrgsErrorOut"


def test_every_operation_documents_its_errors_and_bounds_its_numbers(doc: dict[str, Any]) -> None:
    from gonghui.core.schema import BIG_MAX

    ops = [(p, m, o) for p, methods in doc["paths"].items() for m, o in methods.items()]
    assert len(ops) >= 100
    for path, method, op in ops:
        assert {"401", "404", "422"} <= set(op["responses"]), (method, path)
        assert all(isinstance(k, str) for k in op["responses"]), (method, path)  # no "404" twice in JSON
        for param in op.get("parameters", []):
            schema = param["schema"]
            options = schema.get("anyOf", [schema])
            for s in options:
                if s.get("type") == "integer":
                    assert s.get("maximum", BIG_MAX + 1) <= BIG_MAX, (method, path, param["name"])
                    assert "maximum" in s, (method, path, param["name"])
                if s.get("type") == "string" and "format" not in s and "enum" not in s:
                    assert "maxLength" in s, (method, path, param["name"])
