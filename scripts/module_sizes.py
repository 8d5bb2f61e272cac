"""make lint: no module in src/ over 500 lines (migrations aside) — smaller rooms (issue 12)."""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 500
root = Path(__file__).resolve().parent.parent / "src"
too_long = [
    (path, n)
    for path in sorted(root.rglob("*.py"))
    if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
]
for path, n in too_long:
    print(f"{path.relative_to(root.parent)}: {n} lines (limit {LIMIT})")
sys.exit(1 if too_long else 0)
