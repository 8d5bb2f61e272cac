"""/api/v1/… routes of the worklife app, through the gatekeeper."""

from ninja import Router

router = Router(tags=["工会工作"])
