"""Issue 18 D7-D9: the approver's comment stays out of the 批复's body; a signature block is never
alone on its page; the term page shows the new 批复文号 after an election is approved."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gonghui.elections import actions, documents, formation, pdfs
from gonghui.elections.models import DocKind
from gonghui.orgs.models import Org
from tests.elections.test_elections import start_simple, vote
from tests.elections.test_formation import fill, start

pytestmark = pytest.mark.django_db


def _pages(data: bytes, tmp_path: Path) -> list[str]:
    src = tmp_path / "d.pdf"
    src.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_signature_stays_with_the_closing_line(tmp_path: Path) -> None:
    """Whatever the length of the report, the signature's page also holds the closing line."""
    post = pdfs.ReportPost(label="委员", seats=3, rounds=[(1, 28, 15, [("甲", 20, True), ("乙", 19, True), ("丙", 18, True)])],
                           elected=["甲", "乙", "丙"], vacant=0)  # fmt: skip
    for n in range(0, 40, 3):
        data = pdfs.results_report_pdf(org="某某公司工会委员会", term_number=2, meeting="会员大会", on=dt.date(2026, 11, 28),
                                       place="", members=30, due=30, present=28, quorum_text="超过三分之二",
                                       majority_text="过半数", posts=[post] * 3, notes=["说明事项。" * 8] * n)  # fmt: skip
        last = _pages(data, tmp_path)[-1]
        assert "请予审批" in last and "二〇二六年十一月二十八日" in last, n


def test_comment_not_in_the_approval_and_term_page_gets_the_new_number(tree: dict[str, Any], members: Any, tmp_path: Path) -> None:  # fmt: skip
    f = start(tree)
    fill(tree, f, 12)
    formation.formation_submit(user=tree["users"]["west_admin"], formation=f)
    f = formation.formation_approve(
        user=tree["users"]["county_admin"], formation=f, reason="同意成立，请抓紧选举XYZ"
    )
    text = "".join(_pages(documents.read(f.documents.get(kind=DocKind.APPROVAL)), tmp_path))
    assert "XYZ" not in text and "此复" in text
    e, _ms = start_simple(tree, members, due=30, present=28)
    vote(tree, e, "committee", [26, 24, 20, 10])
    vote(tree, e, "chair", [26])
    vote(tree, e, "audit", [25, 24, 23])
    e = actions.election_submit(user=tree["users"]["east_admin"], election=e)
    e = actions.election_decide(
        user=tree["users"]["east_reviewer"], election=e, approve=True, reason="同意ABC"
    )
    assert Org.objects.get(pk=e.org_id).approval_no == e.approval_no
    text = "".join(_pages(documents.read(e.documents.get(kind=DocKind.RESULTS_APPROVAL)), tmp_path))
    assert "ABC" not in text and "此复" in text
