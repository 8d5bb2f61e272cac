"""schemathesis over the whole OpenAPI document, in-process against the Django WSGI app (issue 12).

For every operation: generated requests that match the schema and requests that do not (negative
mode), with random path ids and with the ids of real objects of a small tree (so bodies reach the
actions), authenticated as a township admin. Checks: not_a_server_error, response_schema_conformance,
status_code_conformance. Expected: 0 failures. Bounded: GONGHUI_FUZZ_EXAMPLES examples per operation
and strategy (default 5; up to 3 strategies an operation), derandomised (the same cases every run); it prints its figures.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import pytest

pytestmark = [pytest.mark.slow]

EXAMPLES = int(os.environ.get("GONGHUI_FUZZ_EXAMPLES", "5"))


class _Tracebacks(logging.Handler):
    """Keeps the last server error's traceback (Django logs it on django.request)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            import traceback

            self.last = "".join(traceback.format_exception(*record.exc_info))[-1500:]


def _objects(client: Any, headers: dict[str, str], tree: dict[str, Any]) -> dict[str, Any]:
    """Real objects for the path ids, made through the API itself (each one optional)."""
    from tests.members.conftest import person

    def post(url: str, data: dict[str, Any]) -> Any:
        r = client.post(url, data, content_type="application/json", **headers)
        return r.json().get("id") if r.status_code in (200, 201) else None

    known: dict[str, Any] = {"code": "T0003", "employer_id": tree["employers"]["甲公司"].pk}
    members = [post("/api/v1/members", {"org": "T0003", **person()}) for _ in range(3)]
    known["member_id"] = members[0]
    known["application_id"] = post("/api/v1/applications", {"org": "T0003", **person()})
    known["campaign_id"] = post(
        "/api/v1/campaigns",
        {"org": "T0002", "name": "百日攻坚", "measure": "members", "starts_on": "2026-01-01",
         "ends_on": "2026-12-31", "net_minimum": 10},
    )  # fmt: skip
    known["formation_id"] = post(
        "/api/v1/formations", {"parent": "T0002", "name": "东镇新建公司工会", "chair_name": "王五"}
    )
    known["election_id"] = post("/api/v1/elections", {"org": "T0003", "meeting_date": "2026-06-01"})
    known["file_id"] = post(
        "/api/v1/care/files",
        {"member_id": members[1], "category": "deep", "household_size": 3, "household_income": "9000",
         "causes": ["illness"]},
    )  # fmt: skip
    known["programme_id"] = post(
        "/api/v1/care/programmes",
        {"org": "T0002", "name": "送温暖", "type": "warmth", "year": 2026, "amount_per_person": "500",
         "source": "own"},
    )  # fmt: skip
    known["course_id"] = post(
        "/api/v1/care/courses",
        {"org": "T0002", "title": "电工培训", "trade": "电工", "starts_on": "2026-03-01",
         "ends_on": "2026-03-10", "place": "东镇", "provider": "职校", "cost": "3000"},
    )  # fmt: skip
    known["title_id"] = post(
        "/api/v1/care/model-workers",
        {"member_id": members[2], "level": "county", "year": 2025, "title": "劳动模范"},
    )
    return {k: v for k, v in known.items() if v is not None}


@pytest.mark.django_db
def test_openapi_document_fuzzed(tree: dict[str, Any], api_token: Any, client: Any, settings: Any) -> None:
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hsettings
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    bearer = api_token("east_admin")
    known = _objects(client, bearer, tree)
    headers = {"Authorization": bearer["HTTP_AUTHORIZATION"]}
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]

    tracebacks = _Tracebacks()
    request_log = logging.getLogger("django.request")
    request_log.addHandler(tracebacks)
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # the 4xx warnings are the point of the exercise
    # The WSGI handler closes the connection at the end of each request (close_old_connections);
    # inside a test's transaction that would drop the test database's connection on PostgreSQL.
    # Django's test client disconnects the same signals for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    started = time.monotonic()
    figures = {"operations": 0, "cases": 0, "statuses": {}}
    failures: list[str] = []
    try:
        for result in schema.get_all_operations():
            op = result.ok()
            figures["operations"] += 1
            path_names = {p.name for p in op.path_parameters}
            fixed = {k: v for k, v in known.items() if k in path_names}
            strategies = [op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE)]
            if fixed and len(fixed) == len(path_names):
                strategies.append(op.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))
            for strategy in strategies:

                @given(case=strategy)
                @hsettings(
                    max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                )  # fmt: skip
                def run(case: Any) -> None:
                    figures["cases"] += 1
                    tracebacks.last = ""
                    response = case.call(headers=headers)
                    status = response.status_code
                    figures["statuses"][status] = figures["statuses"].get(status, 0) + 1
                    try:
                        case.validate_response(response, checks=checks)
                    except BaseException as exc:  # schemathesis' FailureGroup; collected, reported below
                        if isinstance(exc, KeyboardInterrupt):
                            raise
                        if len(failures) < 60:
                            body = str(case.body)[:200] if case.body is not None else ""
                            failures.append(
                                f"{case.operation.label} {status} query={case.query} path={case.path_parameters} body={body}\n"
                                f"  {str(exc)[:600]}\n{tracebacks.last}"
                            )

                run()
    finally:
        request_log.removeHandler(tracebacks)
        request_log.setLevel(level)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    figures["seconds"] = round(time.monotonic() - started, 1)
    print(f"\nschemathesis figures: {figures}")
    assert figures["operations"] >= 100
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:25])
