"""The JSON API at /api/v1/ (django-ninja): bearer tokens, one error shape for everything.

Errors: {"code": "...", "message": "...", "details": ...} with 400/401/403/404/405/409/413/422/500 —
from the handlers below, and for answers made outside the API's views (unknown /api/ paths, 405,
Django's 500) from `core.errors.ApiErrorMiddleware`. Validation errors: code "invalid", details a list
of {"field", "in", "message"}. The OpenAPI document lists each app's error codes as an enumeration
(`OrgsErrorOut`, `CareErrorOut`, …; see `error_codes`).
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from gonghui.accounts.actions import token_authenticate
from gonghui.core.errors import ApplicationError, status_code
from gonghui.core.schema import COMMON_ERROR_CODES, error_schema

APPS = (
    "orgs",
    "campaigns",
    "care",
    "elections",
    "members",
    "rosters",
    "worklife",
    "finance",
    "portal",
    "sysconf",
    "accounts",
)


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class GonghuiAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        document_errors(schema)
        return schema


api = GonghuiAPI(
    title="gonghui API",
    version="1",
    description="工会组织与会员实名制管理系统接口。认证：`Authorization: Bearer <token>`（`gonghui token create USERNAME`）。"
    '错误一律为 JSON：`{"code", "message", "details"}`；各模块的错误代码见 `…ErrorOut`。',
    auth=BearerAuth(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(ApplicationError)
def _app_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's error list as [{"field": "name", "in": "body", "message": "..."}] (no input echoed)."""
    out = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        where = loc[0] if loc else ""
        field = ".".join(loc[1:]) if len(loc) > 1 else where
        if where == "body" and len(loc) > 2 and loc[1] == "payload":
            field = ".".join(loc[2:])
        out.append({"field": field, "in": where, "message": str(e.get("msg", ""))})
    return out


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", "请求数据格式不正确。", validation_details(exc.errors))


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", "; ".join(exc.messages), getattr(exc, "message_dict", None))


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
    return _error(request, exc.status_code, status_code(exc.status_code), str(exc))


# --------------------------------------------------------------------------- the OpenAPI document

_CODE_CALL = re.compile(r"error", re.IGNORECASE)
SRC = Path(__file__).resolve().parent


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _imports(tree: ast.AST, module: str, is_pkg: bool) -> set[str]:
    """The gonghui modules a module imports (at top level or inside functions)."""
    found: set[str] = set()
    package = module if is_pkg else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from pkg import module`
    return {m for m in found if m.startswith("gonghui.")}


def _passes_code_to_error(func: ast.AST) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
            if _CODE_CALL.search(name) and any(
                kw.arg == "code" and isinstance(kw.value, ast.Name) and kw.value.id == "code"
                for kw in node.keywords
            ):
                return True
    return False


def _code_helpers(tree: ast.AST) -> dict[str, int]:
    """Callables that carry an error code given by their caller, with the code's position:
    functions that pass their `code` parameter on to an error (`_field_error(message, field, code)`,
    `_all_found(qs, ids, message, code, field)`) and records with a `code` field (`rules.Problem`)."""
    helpers: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [a.arg for a in node.args.args]
            if "code" in names and _passes_code_to_error(node):
                helpers[node.name] = names.index("code")
        elif isinstance(node, ast.ClassDef):
            fields = [
                n.target.id
                for n in node.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            ]
            if "code" in fields:
                helpers[node.name] = fields.index("code")
    return helpers


def _codes_in(tree: ast.AST, helpers: dict[str, int]) -> set[str]:
    """String codes in a module: `code="..."` in any call, a string in the code position of a call
    to a helper, and the string default of a helper's `code` parameter."""
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in helpers:
            args = node.args.args
            i = helpers[node.name] - (len(args) - len(node.args.defaults))
            default = node.args.defaults[i] if 0 <= i < len(node.args.defaults) else None
            if isinstance(default, ast.Constant) and isinstance(default.value, str):
                codes.add(default.value)
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                codes.add(kw.value.value)
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in helpers and len(node.args) > helpers[name]:
            arg = node.args[helpers[name]]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.add(arg.value)
    return codes


@cache
def error_codes(app: str) -> tuple[str, ...]:
    """Every error code the API of `app` can answer with: the common ones and those raised by the
    app's api modules and every gonghui module they import, directly or not (read from the source)."""
    starts = [f"gonghui.{app}.{p.stem}" for p in (SRC / app).glob("api*.py")]
    starts += [f"gonghui.{app}.api.{p.stem}" for p in (SRC / app / "api").glob("*.py")]
    seen: set[str] = set()
    todo = list(starts)
    trees: list[ast.AST] = []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is None or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        trees.append(tree)
        todo.extend(_imports(tree, name, path.name == "__init__.py") - seen)
    helpers: dict[str, int] = {}
    for t in trees:
        helpers.update(_code_helpers(t))
    codes: set[str] = set()
    for t in trees:
        codes |= _codes_in(t, helpers)
    return tuple(COMMON_ERROR_CODES) + tuple(sorted(codes - set(COMMON_ERROR_CODES)))


ERROR_ANSWERS = {
    "400": "请求有误",
    "401": "需要有效的接口令牌",
    "403": "无权进行此操作",
    "404": "对象不存在或不在管辖范围内",
    "409": "与现有数据冲突",
    "422": "请求数据不符合要求",
}


def _app_of(operation_id: str) -> str | None:
    for app in APPS:
        if operation_id.startswith(f"gonghui_{app}_"):
            return app
    return None


def document_errors(schema: dict[str, Any]) -> None:
    """Every operation documents its error answers with its app's `<App>ErrorOut`, whose `code` is an
    enumeration of that app's codes; the generic `ErrorOut` is replaced."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for methods in schema.get("paths", {}).values():
        for op in methods.values():
            app = _app_of(op.get("operationId", ""))
            if app is None:
                continue
            name = f"{app.capitalize()}ErrorOut"
            if name not in components:
                components[name] = error_schema(name, list(error_codes(app)))
            # ninja keys responses by int; JSON would then carry "404" twice (one key per answer)
            responses = {str(k): v for k, v in op.get("responses", {}).items()}
            op["responses"] = responses
            for status, text in ERROR_ANSWERS.items():
                responses[status] = {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                }
    components.pop("ErrorOut", None)


def _register_routers() -> None:
    from gonghui.accounts.api import router as accounts_router
    from gonghui.campaigns.api import router as campaigns_router
    from gonghui.care.api import router as care_router
    from gonghui.elections.api import router as elections_router
    from gonghui.finance.api import router as finance_router
    from gonghui.members.api import router as members_router
    from gonghui.orgs.api import router as orgs_router
    from gonghui.portal.api import router as portal_router
    from gonghui.rosters.api import router as rosters_router
    from gonghui.sysconf.api import router as sysconf_router
    from gonghui.worklife.api import router as worklife_router

    api.add_router("/", orgs_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", care_router)
    api.add_router("/", members_router)
    api.add_router("/", elections_router)
    api.add_router("/", rosters_router)
    api.add_router("/", worklife_router)
    api.add_router("/", finance_router)
    api.add_router("/", portal_router)
    api.add_router("/", sysconf_router)
    api.add_router("/", accounts_router)


_register_routers()
