"""The client IP (core/http.py): X-Forwarded-For only from trusted proxies (issue 12, finding 8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from gonghui.core.http import client_ip
from tests.conftest import PASSWORD


def ip(remote: str, xff: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.GONGHUI_TRUSTED_PROXIES = []
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert ip("10.0.0.5", "198.51.100.1, 10.0.0.4") == "10.0.0.5"


def test_the_default_trusts_no_proxy() -> None:
    from django.conf import settings

    assert settings.GONGHUI_TRUSTED_PROXIES == []
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings: Any) -> None:
    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.5"]
    assert ip("10.0.0.5", "198.51.100.1") == "198.51.100.1"
    assert ip("10.0.0.5", "198.51.100.1:5123") == "198.51.100.1"  # a port is dropped
    assert ip("10.0.0.5") == "10.0.0.5"  # no header: the proxy itself is all we know


def test_what_a_client_writes_left_of_the_proxy_is_not_believed(settings: Any) -> None:
    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # the client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw
    assert ip("10.0.0.5", "1.2.3.4, 198.51.100.9") == "198.51.100.9"
    # two proxies of ours in a row: skipped from the right
    assert ip("10.0.0.5", "1.2.3.4, 198.51.100.9, 10.1.2.3") == "198.51.100.9"
    assert ip("10.0.0.5", "garbage, 198.51.100.9") == "198.51.100.9"


def test_a_peer_that_is_not_a_trusted_proxy_is_the_client(settings: Any) -> None:
    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_ipv6_proxies(settings: Any) -> None:
    settings.GONGHUI_TRUSTED_PROXIES = ["fd00::/8"]
    assert ip("fd00::1", "2001:db8::7") == "2001:db8::7"
    assert ip("2001:db8::9", "2001:db8::7") == "2001:db8::9"


@pytest.mark.django_db
def test_audit_log_and_lockout_record_the_forwarded_client(
    client: Any, tree: dict[str, Any], settings: Any
) -> None:
    from axes.models import AccessAttempt

    from gonghui.core.models import AuditEntry

    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.5"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.9"}
    client.post("/login/", {"username": "east_clerk", "password": "wrong"}, **via_proxy)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.9"]
    client.post("/login/", {"username": "east_admin", "password": PASSWORD}, **via_proxy)
    client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "N3w-secret-pass", "new_password2": "N3w-secret-pass"},
        **via_proxy,
    )
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.ip == "198.51.100.9"


@pytest.mark.django_db
def test_audit_log_ignores_the_header_without_trusted_proxies(client: Any, tree: dict[str, Any]) -> None:
    from gonghui.core.models import AuditEntry

    client.post("/login/", {"username": "east_admin", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "N3w-secret-pass", "new_password2": "N3w-secret-pass"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert AuditEntry.objects.get(action="user.password_change").ip == "203.0.113.7"
