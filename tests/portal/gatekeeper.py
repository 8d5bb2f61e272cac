"""The portal's routes in the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py).

The member's sign-in, the card check, the offline checker and the PWA files are public by design
(named `public_…`); every other /me/ page answers a staff account with 403 and an anonymous
visitor with the member sign-in (…/login/); the member API answers a staff token with 403.
"""

from __future__ import annotations

from typing import Any

from tests.accounts import test_gatekeeper as gk

gk.PUBLIC_NAME_PREFIXES = (*gk.PUBLIC_NAME_PREFIXES, "portal:public_", "api:public_me_")


def _values(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    values["portal"] = {"pk": 2**40, "token": "x.y"}
    values["api"].setdefault("request_id", 2**40)


if _values not in gk.EXTRA_VALUES:
    gk.EXTRA_VALUES.append(_values)
