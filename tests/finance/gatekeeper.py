"""API bodies for the route-walking gatekeeper test (tests/accounts/test_gatekeeper.py): the finance
routes need Perm.FINANCE, refused by the router's authentication before a body is read, so plain
bodies are enough; these make the handlers reachable for accounts that hold it."""

from __future__ import annotations

from tests.accounts import test_gatekeeper as gk

gk.API_BODIES.update({
    "finance/funds/declarations": {"employer_id": "{employer_id}", "period": "2026-01-01", "payroll_fen": 100000},
    "finance/funds/payments": {"employer_id": "{employer_id}", "paid_on": "2026-02-01", "amount_fen": 100},
    "finance/{code}/dues/bulk": {"month": "2026-01-01", "paid_on": "2026-01-20"},
    "finance/{code}/dues/arrears-check": {"as_of": "2026-06-01"},
    "finance/{code}/ledger": {"on": "2026-03-01", "head": "501", "amount_fen": 100},
})  # fmt: skip
