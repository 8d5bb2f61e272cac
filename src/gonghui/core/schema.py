"""Bounded types for the JSON API: every number within the database column's range, every string
within the column's length, no NUL character (PostgreSQL refuses it in text), `null` only where the
model allows it.

Use them in every API schema and path/query parameter::

    class OrgUpdate(Schema):
        name: Str120 = None          # absent: unchanged; null: 422 (the column is NOT NULL)
        term_number: SmallUInt | None = None   # the column is nullable: null clears it

Lists of ids: `list[Id]` with a `max_length`. Pagination: `@paginate(Pagination)` (limit 1..1000,
offset within the database's integer range).
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Integer ranges of the database columns (PostgreSQL's are the narrow ones; SQLite stores 64 bits).
BIG_MAX = 2**63 - 1  # bigint, and the primary keys (BigAutoField)
INT_MAX = 2**31 - 1  # integer, PositiveIntegerField
SMALL_MAX = 2**15 - 1  # smallint, PositiveSmallIntegerField

NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=BIG_MAX, description="对象 ID")]
UInt = Annotated[int, Field(ge=0, le=INT_MAX)]
SmallUInt = Annotated[int, Field(ge=0, le=SMALL_MAX)]
Limit = Annotated[int, Field(ge=1, le=1000)]
Offset = Annotated[int, Field(ge=0, le=INT_MAX)]
Days = Annotated[int, Field(ge=0, le=36500, description="天数")]
Year = Annotated[int, Field(ge=1900, le=2100)]

# Strings, named by their column's max_length. `Text` is for TextField columns (no column limit).
Str1 = Annotated[str, Field(max_length=1, pattern=NO_NUL)]
Str6 = Annotated[str, Field(max_length=6, pattern=NO_NUL)]
Str12 = Annotated[str, Field(max_length=12, pattern=NO_NUL)]
Str16 = Annotated[str, Field(max_length=16, pattern=NO_NUL)]
Str18 = Annotated[str, Field(max_length=18, pattern=NO_NUL)]
Str20 = Annotated[str, Field(max_length=20, pattern=NO_NUL)]
Str24 = Annotated[str, Field(max_length=24, pattern=NO_NUL)]
Str32 = Annotated[str, Field(max_length=32, pattern=NO_NUL)]
Str40 = Annotated[str, Field(max_length=40, pattern=NO_NUL)]
Str60 = Annotated[str, Field(max_length=60, pattern=NO_NUL)]
Str80 = Annotated[str, Field(max_length=80, pattern=NO_NUL)]
Str100 = Annotated[str, Field(max_length=100, pattern=NO_NUL)]
Str120 = Annotated[str, Field(max_length=120, pattern=NO_NUL)]
Str200 = Annotated[str, Field(max_length=200, pattern=NO_NUL)]
Str500 = Annotated[str, Field(max_length=500, pattern=NO_NUL)]
Text = Annotated[str, Field(max_length=10000, pattern=NO_NUL)]
Text2000 = Annotated[str, Field(max_length=2000, pattern=NO_NUL)]
Text4000 = Annotated[str, Field(max_length=4000, pattern=NO_NUL)]
LongText = Annotated[str, Field(max_length=200_000, pattern=NO_NUL)]  # pasted lists (one person a line)
# A constraint given again in `= Field(...)` does NOT override the one in the type: choose the type.
Region = Annotated[str, Field(pattern=r"^\d{6}$", description="行政区划代码（6 位数字）")]
# Free search text in a query string, and identifiers typed by people (ID numbers, phones).
Search = Annotated[str, Field(max_length=100, pattern=NO_NUL)]
# An org code (Org.code is 20 characters).
Code = Annotated[str, Field(max_length=20, pattern=NO_NUL, description="组织代码")]

# The default of a PATCH field whose column is NOT NULL: absent means unchanged (the handlers send
# `payload.dict(exclude_unset=True)`), and an explicit `null` fails the field's type (422).
UNSET: Any = None

ID_LIST_MAX = 5000
IdList = Annotated[list[Id], Field(max_length=ID_LIST_MAX)]


class Pagination(LimitOffsetPagination):
    """LimitOffsetPagination with both numbers bounded: nothing above the database's range reaches SQL."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0


# --------------------------------------------------------------------------- the error shape

# Codes the API layer answers with itself, whatever the app (see gonghui/api.py).
COMMON_ERROR_CODES = (
    "invalid",  # the request does not match the schema (422), or a rule named no code of its own
    "unauthorized",  # 401: no valid bearer token
    "forbidden",  # 403
    "not_found",  # 404: no such object, not in scope, or no such API path
    "method_not_allowed",  # 405
    "too_large",  # 413
    "throttled",  # 429
    "error",  # any other 4xx
    "server_error",  # 500: a fault of ours, logged
)


class ErrorOut(Schema):
    """{"code","message","details"}: code is stable and machine-readable, message is for people."""

    code: str
    message: str
    details: Any = None


ERROR_STATUSES = (400, 401, 403, 404, 409, 422)
ERRORS: dict[int, type[Schema]] = dict.fromkeys(ERROR_STATUSES, ErrorOut)


def error_schema(name: str, codes: list[str]) -> dict[str, Any]:
    """The JSON schema of `name` (e.g. CareErrorOut): ErrorOut with `code` one of `codes`."""
    return {
        "title": name,
        "type": "object",
        "description": "错误：code 为机器可读的错误代码（下列之一），message 为说明，details 为细节（字段等）。",
        "properties": {
            "code": {"title": "Code", "type": "string", "enum": list(codes)},
            "message": {"title": "Message", "type": "string"},
            "details": {"title": "Details"},
        },
        "required": ["code", "message"],
    }
