"""Issue 18: a 403 logs one line; /favicon.ico answers; titles carry the product's Chinese name."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from gonghui.core.logging import OneLineForbidden

pytestmark = pytest.mark.django_db


def test_a_refused_request_logs_one_line_without_traceback(login, caplog):
    """D23: Django attaches the PermissionDenied traceback to its 403 warning; the filter drops it."""
    c = login("east_viewer")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        r = c.get(reverse("members:application_new"))
    assert r.status_code == 403
    records = [rec for rec in caplog.records if rec.name == "django.request"]
    assert records  # the console handler's filter has already run on the shared record:
    for rec in records:
        formatted = logging.Formatter("%(levelname)s %(name)s %(message)s").format(rec)
        assert "\n" not in formatted and "Traceback" not in formatted
        assert rec.exc_info is None and "Forbidden" in formatted
    from django.conf import settings

    assert "one_line_403" in settings.LOGGING["handlers"]["console"]["filters"]


def _record(status: int) -> logging.LogRecord:
    rec = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", None, None)
    try:
        raise ValueError("x")
    except ValueError:
        import sys

        rec.exc_info = sys.exc_info()
    rec.status_code = status
    return rec


def test_the_filter_drops_only_a_403_traceback():
    forbidden, broken = _record(403), _record(500)
    OneLineForbidden().filter(forbidden)
    OneLineForbidden().filter(broken)
    assert forbidden.exc_info is None and broken.exc_info is not None


def test_favicon_and_title(client, login):
    r = client.get("/favicon.ico")
    assert (
        r.status_code == 200 and r["Content-Type"] == "image/x-icon" and r.content[:4] == b"\x00\x00\x01\x00"
    )
    page = login("east_clerk").get(reverse("home")).content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "gonghui" not in title and "工会组建与会员实名制管理" in title
    assert 'rel="icon"' in page and "gonghui ·" not in page


def test_audit_log_reads_in_chinese(login, tree):
    """D12: Chinese action labels and readable details, never a Python repr; a Chinese word filters."""
    from gonghui.core.audit import audit_record

    audit_record(user=tree["users"]["county_admin"], action="care.model.register", org_path=tree["orgs"]["T0001"].path,
                 object_repr="某某", changes={"level": "county", "causes": ["illness", "schooling"],
                                              "filters": {"status": "open"}, "status": ["active", "retained"]})  # fmt: skip
    audit_record(user=tree["users"]["county_admin"], action="org.move", org_path=tree["orgs"]["T0001"].path)
    page = login("county_admin").get(reverse("audit")).content.decode()
    body = page.split("<tbody>")[1]
    assert "劳模 · 登记" in body and "工会组织 · 移动" in body
    assert (
        "致困原因：患病、子女上学" in body
        and "筛选条件：状态：未结" in body
        and "状态：有效 → 保留会籍" in body
    )
    assert "{'" not in body and "['" not in body and "&#x27;" not in body
    found = (
        login("county_admin").get(reverse("audit"), {"action": "移动"}).content.decode().split("<tbody>")[1]
    )
    assert "工会组织 · 移动" in found and "劳模" not in found
