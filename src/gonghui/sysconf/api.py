"""/api/v1/… routes of the sysconf app, through the gatekeeper."""

from ninja import Router

router = Router(tags=["系统设置"])
