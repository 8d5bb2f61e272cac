"""The demo county's services (seed 004): `gonghui stats --json --year 2016` gives 7,000 trainees and
270,000 yuan. Runs the whole demo load (about half a minute), hence slow — but in the default run."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_demo_2016_training_and_stats(settings: Any, tmp_path: Any) -> None:
    from gonghui.care.models import AidProgramme, HardshipFile, ModelWorkerTitle, Trainee, TrainingCourse
    from gonghui.members.models import Membership

    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("stats", "--json", "--year", "2016", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["training"]["trainees"] == 7000
    assert stats["training"]["cost_yuan"] == 270000
    assert stats["training"]["courses"] > 1  # several courses whose costs sum to 270,000
    assert set(stats["assistance"]) == {"people", "amount_yuan"}
    assert stats["orgs"] == 551  # the command's own figures are still there

    # drawn from migrant members of the register, each trained once that year, members by then
    t2016 = Trainee.objects.filter(course__starts_on__year=2016)
    assert t2016.count() == 7000 and t2016.values("person").distinct().count() == 7000
    assert not t2016.filter(person__is_migrant=False).exists()
    first_join = dict(
        Membership.objects.filter(person__in=t2016.values("person")).values_list("person_id", "joined_on")
    )
    assert all(first_join[pid] <= start for pid, start in t2016.values_list("person_id", "course__starts_on"))
    assert sum(c.cost for c in TrainingCourse.objects.filter(starts_on__year=2016)) == 270000

    # and the rest of the services
    assert HardshipFile.objects.filter(status="open").count() > 100
    round_ = AidProgramme.objects.get(name="2026年金秋助学")
    assert round_.entries.filter(status="paid").exists() and round_.entries.filter(status="listed").exists()
    assert ModelWorkerTitle.objects.exists()
    out = io.StringIO()
    call_command("stats", "--json", "--year", "2026", stdout=out)
    assert json.loads(out.getvalue())["assistance"]["amount_yuan"] > 0
