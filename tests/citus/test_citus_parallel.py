"""Acts committed one by one, as requests are in production (not inside a test's transaction that
wrote reference tables first, which keeps Citus on one connection per worker for the rest of it).

Citus refuses to modify a coordinator table that other tables reference by foreign key (a portal
request, a hardship file, an org …) once the same transaction ran a query over many shards in
parallel. Under load every fan-out read opens several connections per worker, so an act that reads
across shards and then writes such a table failed at random; `gonghui migrate` sets the database to
Citus' sequential mode (core/citus.py). Forcing parallel execution here makes it certain."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.citus.test_citus import _provinces, _register

pytestmark = [pytest.mark.citus]


@pytest.fixture
def parallel() -> Any:
    with connection.cursor() as cur:
        cur.execute("SET citus.force_max_query_parallelization TO on")
    yield
    with connection.cursor() as cur:
        cur.execute("RESET citus.force_max_query_parallelization")


@pytest.mark.django_db(transaction=True)
def test_a_member_request_is_answered_after_reads_over_many_shards(parallel: Any) -> None:
    from gonghui.members.models import Membership
    from gonghui.portal import actions
    from gonghui.portal.models import MemberRequest

    with connection.cursor() as cur:
        cur.execute("SHOW citus.multi_shard_modify_mode")
        assert cur.fetchone()[0] == "sequential"
    p = _provinces()
    m = _register(p["a"], 901)
    r = MemberRequest.objects.create(person_id=m.person_id, membership=m, kind="retain", org=p["a"],
                                     org_path=p["a"].path, data={"reason": "retired"})  # fmt: skip
    # the request is read with its membership (a join over the register's shards), the membership is
    # retained on its shard, then the request — referenced by its photos — is updated
    answered = actions.request_answer(user=None, request=r, verb="accept")
    assert answered.status == "done"
    assert Membership.objects.get(pk=m.pk, person_id=m.person_id).status == "retained"
