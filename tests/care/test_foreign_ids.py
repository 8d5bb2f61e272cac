"""Issue 12, finding 3: ids sent in a body or a form resolve inside the sender's scope.

The security review (F3) put other townships' file ids into `POST /api/v1/care/programmes/{id}/entries`
and the eligibility page's form; the refusal named the families (332 names and file numbers). Now
a foreign id answers exactly like an id nobody has: same status, same code, same message, no name.
And every read of hardship data writes one audit action per event, the same from the page and the API.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from gonghui.care import actions
from gonghui.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOBODY = 987654321


def _post(client: Any, url: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def _round(tree: dict[str, Any], org: str = "T0002") -> Any:
    return actions.programme_create(user=tree["users"]["east_admin"], org=tree["orgs"][org], name="金秋助学", type="schooling",
                                    year=2026, amount_per_person="1000", source="own")  # fmt: skip


def _blank(value: Any, sent: Any) -> Any:
    if isinstance(value, dict):
        return {k: _blank(v, sent) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v, sent) for v in value]
    return "ID" if value == sent or value == str(sent) else value


def _same(a: Any, b: Any, sent_a: Any, sent_b: Any) -> None:
    """Two JSON answers equal once the id each one sent is blanked out."""
    assert a.status_code == b.status_code, (a.status_code, b.status_code)
    assert _blank(a.json(), sent_a) == _blank(b.json(), sent_b)


def test_api_round_entries_with_foreign_file_ids_answer_like_missing_ones(
    client: Any, tree: dict[str, Any], hardship: Any, api_token: Any
) -> None:
    foreign = hardship("T0006", name="西镇困难户", children=1)  # 西镇: outside east_admin's scope, eligible
    own = hardship("T0003", name="东镇困难户", children=1)
    p = _round(tree)
    h = api_token("east_admin")
    url = f"/api/v1/care/programmes/{p.pk}/entries"
    audit_before = AuditEntry.objects.count()
    r_foreign = _post(client, url, {"file_ids": [own.pk, foreign.pk]}, h)
    r_nobody = _post(client, url, {"file_ids": [own.pk, NOBODY]}, h)
    assert r_foreign.status_code == 400
    assert (
        "西镇困难户" not in r_foreign.content.decode() and foreign.file_no not in r_foreign.content.decode()
    )
    _same(r_foreign, r_nobody, foreign.pk, NOBODY)
    assert r_foreign.json()["code"] == "file_not_found"
    assert AuditEntry.objects.count() == audit_before  # nothing written, nothing listed
    assert p.entries.count() == 0
    # ids beyond the database's range: the same answer, not a 500
    # (refused by the schema's bounds, 422, or by the lookup, 400 — never a 500, never a name)
    r_huge = _post(client, url, {"file_ids": [own.pk, 2**63]}, h)
    assert r_huge.status_code in (400, 422) and "东镇困难户" not in r_huge.content.decode()
    # the own file goes on the list
    r = _post(client, url, {"file_ids": [own.pk]}, h)
    assert r.status_code == 201 and r.json() == {"count": 1}


def test_round_refusal_names_only_files_of_the_rounds_union(tree: dict[str, Any], hardship: Any) -> None:
    """The action itself (whatever the caller passes) never names a file outside the round's union."""
    from gonghui.core.errors import ApplicationError

    foreign = hardship("T0006", name="西镇困难户", children=1)
    own_not_eligible = hardship("T0003", name="东镇无学生户", children=0)
    p = _round(tree)
    with pytest.raises(ApplicationError) as e:
        actions.programme_list_add(
            user=tree["users"]["county_admin"], programme=p, files=[foreign, own_not_eligible]
        )
    assert "东镇无学生户" in e.value.message and own_not_eligible.file_no in e.value.message
    assert "西镇困难户" not in e.value.message and foreign.file_no not in e.value.message
    assert e.value.details["files"] == [own_not_eligible.pk]


def test_eligibility_page_with_foreign_file_ids_answers_like_missing_ones(
    client: Any, tree: dict[str, Any], hardship: Any
) -> None:
    foreign = hardship("T0006", name="西镇困难户", children=1)
    p = _round(tree)
    client.force_login(tree["users"]["east_admin"])
    url = f"/care/programmes/{p.pk}/eligible/"
    shown = []
    for sent in (foreign.pk, NOBODY, "abc", 2**64):
        resp = client.post(url, {"file": [sent]}, follow=True)
        assert resp.status_code == 200
        text = resp.content.decode()
        assert "西镇困难户" not in text and foreign.file_no not in text
        shown.append([str(m) for m in resp.context["messages"]])
    assert shown[0] == shown[1] == shown[2] == shown[3] and shown[0]
    assert p.entries.count() == 0


def test_payments_and_completions_with_foreign_ids_answer_like_missing_ones(
    client: Any, tree: dict[str, Any], hardship: Any, member: Any, api_token: Any
) -> None:
    west_file = hardship("T0006", name="西镇困难户", children=1)
    west_round = _round(tree, "T0006")
    actions.programme_list_add(user=tree["users"]["county_admin"], programme=west_round, files=[west_file])
    west_entry = west_round.entries.get()
    own = hardship("T0003", name="东镇困难户", children=1)
    p = _round(tree)
    actions.programme_list_add(user=tree["users"]["east_admin"], programme=p, files=[own])
    h = api_token("east_admin")
    url = f"/api/v1/care/programmes/{p.pk}/payments"
    a = _post(client, url, {"entry_ids": [west_entry.pk], "paid_on": "2026-01-05"}, h)
    b = _post(client, url, {"entry_ids": [NOBODY], "paid_on": "2026-01-05"}, h)
    _same(a, b, west_entry.pk, NOBODY)
    assert a.json()["code"] == "not_listed" and "西镇困难户" not in a.content.decode()
    west_entry.refresh_from_db()
    assert west_entry.status == "listed"
    # trainees: a foreign member id and a foreign trainee id
    c = actions.course_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0002"], title="焊工", trade="焊工",
                              starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 9), place="县城", provider="职校", cost="100")  # fmt: skip
    west_member = member("T0006", name="西镇会员")
    a = _post(client, f"/api/v1/care/courses/{c.pk}/trainees", {"member_ids": [west_member.pk]}, h)
    b = _post(client, f"/api/v1/care/courses/{c.pk}/trainees", {"member_ids": [NOBODY]}, h)
    _same(a, b, west_member.pk, NOBODY)
    assert "西镇会员" not in a.content.decode()


def test_one_audit_action_per_read_event_whatever_the_channel(
    client: Any, tree: dict[str, Any], hardship: Any, api_token: Any
) -> None:
    f = hardship("T0003", name="东镇困难户", children=1)
    p = _round(tree)
    actions.programme_list_add(user=tree["users"]["east_admin"], programme=p, files=[f])
    client.force_login(tree["users"]["east_admin"])
    h = api_token("east_admin")
    pairs = [
        ("care.file.view", f"/care/files/{f.pk}/", f"/api/v1/care/files/{f.pk}"),
        ("care.file.list", "/care/files/", "/api/v1/care/files"),
        ("care.aid.list", "/care/aid/", "/api/v1/care/aid"),
        ("care.programme.view", f"/care/programmes/{p.pk}/", f"/api/v1/care/programmes/{p.pk}/entries"),
        (
            "care.programme.eligible",
            f"/care/programmes/{p.pk}/eligible/",
            f"/api/v1/care/programmes/{p.pk}/eligible",
        ),
    ]
    for action, page, api in pairs:
        before = set(AuditEntry.objects.values_list("pk", flat=True))
        assert client.get(page).status_code == 200, page
        assert client.get(api, **h).status_code == 200, api
        new = AuditEntry.objects.exclude(pk__in=before).order_by("pk")
        assert [(e.action, e.changes["via"]) for e in new] == [(action, "page"), (action, "api")], (page, api)


def test_pages_ticking_foreign_entries_and_trainees_answer_like_missing_ones(
    client: Any, tree: dict[str, Any], hardship: Any, member: Any
) -> None:
    """The round's payment form and the course's progress form: a ticked id of another township's
    round or course gets the same message as an id nobody has, and changes nothing."""
    west_file = hardship("T0006", name="西镇困难户", children=1)
    west_round = _round(tree, "T0006")
    actions.programme_list_add(user=tree["users"]["county_admin"], programme=west_round, files=[west_file])
    west_entry = west_round.entries.get()
    p = _round(tree)
    west_course = actions.course_create(user=tree["users"]["county_admin"], org=tree["orgs"]["T0006"], title="西镇焊工", trade="焊工",
                                        starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 9), place="西镇", provider="职校", cost="100")  # fmt: skip
    actions.trainees_add(
        user=tree["users"]["county_admin"], course=west_course, memberships=[member("T0006", name="西镇学员")]
    )
    west_trainee = west_course.trainees.get()
    course = actions.course_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0002"], title="东镇焊工", trade="焊工",
                                   starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 9), place="东镇", provider="职校", cost="100")  # fmt: skip
    client.force_login(tree["users"]["east_admin"])
    forms = [
        (f"/care/programmes/{p.pk}/entries/", "entry", west_entry.pk, {"op": "pay", "paid_on": "2026-01-05"}),
        (
            f"/care/training/{course.pk}/progress/",
            "trainee",
            west_trainee.pk,
            {"op": "complete", "completed_on": "2026-01-09"},
        ),
    ]
    for url, name, foreign, extra in forms:
        said = []
        for sent in (foreign, NOBODY):
            resp = client.post(url, {name: [sent], **extra}, follow=True)
            assert resp.status_code == 200
            text = resp.content.decode()
            assert "西镇困难户" not in text and "西镇学员" not in text
            said.append([str(m) for m in resp.context["messages"]])
        assert said[0] == said[1] and said[0], (url, said)
    west_entry.refresh_from_db()
    west_trainee.refresh_from_db()
    assert (west_entry.status, west_trainee.status) == ("listed", "enrolled")
