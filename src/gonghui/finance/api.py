"""/api/v1/… routes of the finance app, through the gatekeeper."""

from ninja import Router

router = Router(tags=["会费与经费"])
