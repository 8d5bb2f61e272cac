"""One error type for the application; the API and the pages turn it into the same message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse


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


# Codes for answers that carry only an HTTP status (the API's own errors carry their code).
STATUS_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 422: "invalid", 429: "throttled"}  # fmt: skip
STATUS_MESSAGES = {
    400: "请求有误。",
    401: "需要有效的接口令牌。",
    403: "无权进行此操作。",
    404: "对象不存在或不在您的管辖范围内。",
    405: "不支持该请求方法。",
    413: "请求数据过大。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，已记录，请稍后再试或联系管理员。",
}


def status_code(status: int) -> str:
    """The error code of an answer that has only a status."""
    if status >= 500:
        return "server_error"
    return STATUS_CODES.get(status, "error")


class ApiErrorMiddleware:
    """Under /api/, an error answer that is not JSON (an unknown path's 404, a 405, Django's 500 page,
    a 400 for a bad host or a body too large) becomes the API's shape {"code","message","details"}."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            message = STATUS_MESSAGES.get(status) or STATUS_MESSAGES[500 if status >= 500 else 400]
            json = JsonResponse(
                {"code": status_code(status), "message": message, "details": None},
                status=status,
                json_dumps_params={"ensure_ascii": False},
            )
            if response.has_header("Allow"):
                json["Allow"] = response["Allow"]
            return json
        return response
