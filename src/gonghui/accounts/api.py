"""/api/v1/accounts…: staff accounts of the caller's subtree, through the gatekeeper."""

from ninja import Router

router = Router(tags=["账号"])
