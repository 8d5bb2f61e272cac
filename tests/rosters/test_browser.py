"""A real Chromium imports a roster: upload → check (preview with counts and the first problems)
→ confirm → the progress polled by htmx while the worker saves batch after batch → done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.rosters.conftest import HEADER, person_row, write_xlsx_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 200


def test_upload_check_commit_progress_done(page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any, screenshot: Any,
                                           settings: Any, tmp_path: Path) -> None:  # fmt: skip
    from gonghui.rosters import actions
    from gonghui.rosters.models import ImportJob

    settings.GONGHUI_IMPORT_BATCH_ROWS = 40
    rows = [["东镇甲公司工会会员花名册"], HEADER] + [
        person_row(i, phone="12345" if i == 7 else f"1390000{i:04d}") for i in range(1, ROWS + 1)
    ]
    path = write_xlsx_rows(tmp_path / "甲公司花名册.xlsx", rows)

    browser_login("east_clerk")
    page.click("nav.mainnav >> text=花名册导入")
    page.wait_for_url("**/rosters/")
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=org]", "T0003")
    screenshot("rosters-01-upload")
    page.click("button:has-text('上传并检查')")  # the check runs (tasks at once in tests)
    page.wait_for_url("**/rosters/jobs/*/")
    page.locator("#job-status", has_text="待确认导入").wait_for()
    counts = page.locator("#job-counts").inner_text()
    assert str(ROWS - 1) in counts and "将新增" in counts
    issue = page.locator("#issues tbody tr").first.inner_text()
    assert "9" in issue and "手机号码" in issue  # row 9 as Excel shows it (title row, header, 7th person)
    screenshot("rosters-02-preview")

    # from here on a worker runs the job: the page must follow it by itself
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    page.click("#commit")
    page.locator("#job-status", has_text="排队中").wait_for()
    job = ImportJob.objects.get()
    seen: list[int] = []

    def follow(j: Any) -> None:
        # after each saved batch the polled page shows the new count without a reload
        page.wait_for_function(
            "n => document.querySelector('#job-progress').innerText.replace(/,/g, '').includes(String(n))",
            arg=j.rows_done,
        )
        seen.append(j.rows_done)
        if len(seen) == 2:
            screenshot("rosters-03-progress")

    actions.roster_import_run(job_id=job.pk, progress=follow, parallel=False)
    page.locator("#job-status", has_text="已完成").wait_for()
    assert seen == [40, 80, 120, 160, 200]
    assert page.locator("#error-file").is_visible()
    text = page.locator("#job-counts").inner_text()
    assert str(ROWS - 1) in text
    screenshot("rosters-04-done")
    page.goto(f"{live_server.url}/rosters/")
    assert "已完成" in page.locator("#jobs").inner_text()
