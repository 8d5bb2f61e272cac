"""/api/v1/… routes of the portal app, through the gatekeeper."""

from ninja import Router

router = Router(tags=["会员之家"])
