"""Races on the register, run with real threads and real connections.

Used two ways by test_concurrency.py: in-process on PostgreSQL (pytest's transactional test
database), and as `python -m tests.members.concurrency` in a subprocess on a fresh SQLite *file*
(pytest's SQLite test database lives in memory, where threads cannot hold separate connections).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from collections.abc import Callable
from typing import Any

APPROVERS = 8


def _tree() -> dict[str, Any]:
    from gonghui.orgs.models import Org, OrgKind

    def add(parent: Any, code: str, name: str, kind: str) -> Any:
        attrs = dict(code=code, name=name, kind=kind, region_code="530326", province_code="53")
        return parent.add_child(**attrs) if parent else Org.add_root(**attrs)

    root = add(None, "C0001", "并发县总工会", OrgKind.COUNTY_FEDERATION)
    a = add(Org.objects.get(pk=root.pk), "C0002", "并发甲公司工会", OrgKind.GRASSROOTS)
    b = add(Org.objects.get(pk=root.pk), "C0003", "并发乙公司工会", OrgKind.GRASSROOTS)
    return {"root": root, "a": a, "b": b}


def _id(n: int) -> str:
    from gonghui.core import ids

    return ids.make_id_number("530326", dt.date(1980, 1, 1) + dt.timedelta(days=n), 2 * n % 1000 + 1)


def _apply(org: Any, number: str) -> Any:
    from gonghui.members import actions

    return actions.application_create(
        user=None, org=org, channel="paper", consent_version="t", name="并发", id_number=number
    )


def _run_threads(jobs: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Start all jobs at once (a barrier), each on its own thread and connection."""
    from django.db import connection

    from gonghui.core.errors import ApplicationError

    barrier = threading.Barrier(len(jobs))
    out: list[tuple[str, Any]] = [("", None)] * len(jobs)

    def worker(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            out[i] = ("ok", job())
        except ApplicationError as e:
            out[i] = ("error", {"code": e.code, "message": e.message, "status": e.status})
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails on it
            out[i] = ("crash", repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return out


def approvers_race() -> dict[str, Any]:
    """Eight reviewers approve eight applications to the same union at the same moment."""
    from gonghui.members import actions
    from gonghui.members.models import Counter

    orgs = _tree()
    apps = [_apply(orgs["a"], _id(i)) for i in range(APPROVERS)]
    results = _run_threads(
        [lambda app=app: actions.application_approve(user=None, application=app).member_no for app in apps]
    )
    counter = Counter.objects.get(org=orgs["a"], kind=Counter.MEMBER_NO).value
    return {"results": results, "counter": counter, "org": orgs["a"].code}


def same_person_race(*, former_member: bool) -> dict[str, Any]:
    """Two unions approve the same person at the same moment (new person, or a former member)."""
    from gonghui.members import actions
    from gonghui.members.models import Membership

    orgs = _tree()
    number = _id(500 + int(former_member))
    if former_member:
        old = actions.member_register(
            user=None, org=orgs["a"], consent_version="t", name="并发", id_number=number
        )
        actions.membership_leave(user=None, membership=old, on=dt.date.today())
    apps = [_apply(orgs["a"], number), _apply(orgs["b"], number)]
    results = _run_threads(
        [lambda app=app: actions.application_approve(user=None, application=app).org.code for app in apps]
    )
    current = Membership.objects.filter(
        person__id_index=actions.id_index(number), status__in=["active", "retained"]
    ).count()
    return {"results": results, "current": current}


def main() -> None:  # pragma: no cover - runs in a subprocess
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    which = sys.argv[1]
    if which == "approvers":
        out = approvers_race()
    else:
        out = same_person_race(former_member=which == "same-person-former")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
