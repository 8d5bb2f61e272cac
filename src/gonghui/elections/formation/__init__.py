"""组建: forming a union, seed 004's 有请示、有名册、有批复. Every write is atomic and audited.

- `requests`: the request (请示) — create, edit, upload, submit;
- `roster`: the founding roster (有名册);
- `approval`: the upper union's decision (批复): the union is created 筹建 — no term, no chair —
  until its founding assembly elects its first committee (工会法 art. 10; 章程（2008年文本）第十六条);
- `common`: the checks every step shares.

`from gonghui.elections import formation; formation.formation_approve(...)` keeps working.
"""

from __future__ import annotations

from gonghui.elections.formation.approval import (
    formation_approve,
    formation_reject,
    formation_return,
    issuer_name,
)
from gonghui.elections.formation.common import FIELDS, counts, problems
from gonghui.elections.formation.requests import (
    current_documents,
    formation_create,
    formation_submit,
    formation_update,
    formation_upload_request,
    request_body,
)
from gonghui.elections.formation.roster import (
    roster_add,
    roster_add_lines,
    roster_from_register,
    roster_remove,
)

__all__ = [
    "FIELDS",
    "counts",
    "current_documents",
    "formation_approve",
    "formation_create",
    "formation_reject",
    "formation_return",
    "formation_submit",
    "formation_update",
    "formation_upload_request",
    "issuer_name",
    "problems",
    "request_body",
    "roster_add",
    "roster_add_lines",
    "roster_from_register",
    "roster_remove",
]
