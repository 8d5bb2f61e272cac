"""/api/v1/formations, /terms, /term-requests, /elections, /documents, /notifications: the same
actions the pages call, through the same gatekeeper. One module per sub-domain; `router` collects
them (the paths are unchanged)."""

from ninja import Router

router = Router(tags=["elections"])

from gonghui.elections.api import bodies, elections, formations, terms  # noqa: E402, F401  (registers the routes)

__all__ = ["router"]
