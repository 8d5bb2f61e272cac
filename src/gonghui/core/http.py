"""Request helpers: the request type for annotations, and the client's IP address."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from python_ipware.modern.parsers import parse_ip, split_proxy_chain


class HtmxHttpRequest(HttpRequest):
    """A request that went through django_htmx's `HtmxMiddleware` (settings.MIDDLEWARE), which sets
    `request.htmx` on every request. The django-htmx documentation's way of typing it."""

    htmx: HtmxDetails


def _trusted_networks(entries: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(e, strict=False) for e in entries]


_networks_cache: dict[tuple[str, ...], list[ipaddress.IPv4Network | ipaddress.IPv6Network]] = {}


def _is_trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, entries: tuple[str, ...]) -> bool:
    nets = _networks_cache.get(entries)
    if nets is None:
        nets = _networks_cache[entries] = _trusted_networks(entries)
    return any(ip.version == n.version and ip in n for n in nets)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for rate limits, the login lockout (AXES_CLIENT_IP_CALLABLE) and the audit log.

    Without trusted proxies (``GONGHUI_TRUSTED_PROXIES``, the default) it is the peer address,
    REMOTE_ADDR, and any X-Forwarded-For header is ignored: a client can write anything there.
    When the peer is a trusted proxy, the forwarded chain (parsed by python-ipware) plus the peer
    is read from the right, trusted hops are skipped, and the first other address is the client;
    what a client wrote further left is never believed.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    entries = tuple(getattr(settings, "GONGHUI_TRUSTED_PROXIES", ()) or ())
    if not entries or remote is None:
        return remote
    peer = parse_ip(remote)
    if peer is None or not _is_trusted(peer, entries):
        return remote
    chain = split_proxy_chain(request.META.get("HTTP_X_FORWARDED_FOR", "")) or []
    hop = peer
    for hop in reversed(chain):
        if not _is_trusted(hop, entries):
            return str(hop)
    return str(hop)  # every hop is one of ours: the left-most one is the best we know
