"""One error type for the application; the API and the pages turn it into the same message."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule was broken by the input: a clear message (Chinese by default), never a 500.

    `code` is a stable machine-readable string; `status` the HTTP status the API answers with.
    """

    status = 400

    def __init__(
        self, message: str, *, code: str = "invalid", details: Any = None, status: int | None = None
    ):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.details = details
        if status is not None:
            self.status = status


class ConflictError(ApplicationError):
    status = 409


def add_form_error(form: Any, exc: ApplicationError) -> None:
    """Show an action's error on the form: on its field when the error names one, else on top."""
    field = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)
