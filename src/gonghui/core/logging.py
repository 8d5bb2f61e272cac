"""A logging filter that masks anything shaped like an ID number or a mobile phone number.

Belt and braces: the code never logs them on purpose, but a third-party library's error message
might echo input, and logs must never hold them in plain text (DESIGN.md, security).
"""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8,11})([0-9]{3}[0-9Xx]?)(?![0-9])")
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")


def redact(text: str) -> str:
    text = _ID.sub(lambda m: m.group(1)[:4] + "*" * (len(m.group(0)) - 8) + m.group(0)[-4:], text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class RedactPII(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = redact(msg)
        if clean != msg:
            record.msg, record.args = clean, None
        return True


class OneLineForbidden(logging.Filter):
    """A refused request (403) is routine — a viewer opening a write page, a link followed from an old
    bookmark — so it is logged as one line: Django attaches the PermissionDenied traceback, which
    says nothing an operator needs and buries real errors (issue 18)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
