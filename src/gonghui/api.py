"""The JSON API at /api/v1/ (django-ninja): bearer tokens, one error shape for everything.

Errors: {"code": "...", "message": "...", "details": ...} with 400/401/403/404/409/422.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from gonghui.accounts.actions import token_authenticate
from gonghui.core.errors import ApplicationError


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="gonghui API",
    version="1",
    description="工会组织与会员实名制管理系统接口。认证：`Authorization: Bearer <token>`（`gonghui token create USERNAME`）。",
    auth=BearerAuth(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(ApplicationError)
def _app_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "validation", "请求数据格式不正确。", exc.errors)


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 422, "validation", "; ".join(exc.messages), getattr(exc, "message_dict", None))


@api.exception_handler(AuthenticationError)
def _unauth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "需要有效的接口令牌。")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", "无权进行此操作。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "对象不存在或不在您的管辖范围内。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


def _register_routers() -> None:
    from gonghui.campaigns.api import router as campaigns_router
    from gonghui.care.api import router as care_router
    from gonghui.elections.api import router as elections_router
    from gonghui.members.api import router as members_router
    from gonghui.orgs.api import router as orgs_router
    from gonghui.rosters.api import router as rosters_router

    api.add_router("/", orgs_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", care_router)
    api.add_router("/", members_router)
    api.add_router("/", elections_router)
    api.add_router("/", rosters_router)


_register_routers()
