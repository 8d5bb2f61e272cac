"""The one gatekeeper (DESIGN.md, security): may this user see or change this object?

Two questions, asked one per line so tests can prove each branch:
1. scope — does the object sit in the subtree of the user's org? If not, it does not exist for
   them (404, so nothing leaks about other unions);
2. role — does the user's role allow this kind of act? If not, 403.

Every view, API handler, export and report calls `require`, or a `get_*` helper that does.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

if TYPE_CHECKING:
    from gonghui.accounts.models import User
    from gonghui.orgs.models import Employer, Org


class Perm(StrEnum):
    VIEW = "view"  # read anything in scope (masked personal data)
    ORG_MANAGE = "org.manage"  # create and edit unions in scope
    ORG_RESTRUCTURE = "org.restructure"  # move, dissolve, merge subtrees
    EMPLOYER_WRITE = "employer.write"  # employers and surveys
    MEMBER_WRITE = "member.write"  # register, transfer, cards
    REVIEW = "review"  # approve join applications and results
    REVEAL_PII = "pii.reveal"  # see a full ID number or phone (audited)
    EXPORT = "export"  # download lists
    AUDIT_READ = "audit.read"  # read the audit log
    USER_MANAGE = "user.manage"  # accounts and tokens
    CAMPAIGN_MANAGE = "campaign.manage"  # campaigns: targets, splits, work groups, supervision notes
    # 困难职工档案 and the aid given on them (household income, illness, disability): sensitive, so
    # admins only (the 帮扶中心 sits with the federations); every view is audited (care/).
    CARE_FILES = "care.files"
    # the union's working life: congresses, collective contracts, union groups, activities (worklife/)
    UNION_WORK = "union.work"
    # dues, union funds and ledgers: money figures are seen and written only by 财务 and admins (finance/)
    FINANCE = "finance"


_ALL = frozenset(Perm)
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    "federation_admin": _ALL,
    "union_admin": _ALL - {Perm.ORG_RESTRUCTURE},
    "clerk": frozenset(
        {Perm.VIEW, Perm.EMPLOYER_WRITE, Perm.MEMBER_WRITE, Perm.EXPORT, Perm.REVEAL_PII, Perm.UNION_WORK}
    ),
    "reviewer": frozenset({Perm.VIEW, Perm.REVIEW, Perm.EXPORT}),
    "viewer": frozenset({Perm.VIEW}),
    "finance": frozenset({Perm.VIEW, Perm.FINANCE, Perm.EXPORT}),
}
WRITE_PERMS = frozenset(
    {
        Perm.ORG_MANAGE,
        Perm.ORG_RESTRUCTURE,
        Perm.EMPLOYER_WRITE,
        Perm.MEMBER_WRITE,
        Perm.REVIEW,
        Perm.USER_MANAGE,
        Perm.CARE_FILES,
        Perm.CAMPAIGN_MANAGE,
        Perm.UNION_WORK,
        Perm.FINANCE,
    }
)


def has_perm(user: User | Any, perm: Perm) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.org_id is None:  # an account without an org sees nothing, superuser or not
        return False
    return perm in ROLE_PERMS.get(user.role, frozenset())


def scope_path(user: User | Any) -> str:
    """The materialized path of the user's org; every object in scope has a path starting with it."""
    if not getattr(user, "is_authenticated", False) or user.org_id is None:
        raise PermissionDenied
    org = user.org
    assert org is not None  # org_id is set and the foreign key is PROTECTed, so the org exists
    return org.path


def in_scope(user: User | Any, path: str) -> bool:
    return bool(path) and path.startswith(scope_path(user))


def require(user: User | Any, perm: Perm, *, path: str | None = None) -> None:
    """Raise unless the user may do `perm` on an object at `path` (None: no object, role only)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if path is not None and not in_scope(user, path):
        raise Http404
    if not has_perm(user, perm):
        raise PermissionDenied


def scoped_orgs(user: User | Any) -> QuerySet[Org]:
    from gonghui.orgs.models import Org

    require(user, Perm.VIEW)
    return Org.objects.filter(path__startswith=scope_path(user))


def get_org(user: User | Any, code: str, perm: Perm = Perm.VIEW) -> Org:
    from gonghui.orgs.models import Org

    org = Org.objects.filter(code=code).first()
    if org is None:
        raise Http404
    require(user, perm, path=org.path)
    return org


def employer_path(employer: Employer) -> str:
    return employer.area_path


def scoped_employers(user: User | Any) -> QuerySet[Employer]:
    from gonghui.orgs.models import Employer

    require(user, Perm.VIEW)
    prefix = scope_path(user)
    return Employer.objects.filter(Q(area_path__startswith=prefix) | Q(union__path__startswith=prefix))


def get_employer(user: User | Any, pk: int, perm: Perm = Perm.VIEW) -> Employer:
    from gonghui.orgs.models import Employer

    employer = Employer.objects.select_related("union", "area_org").filter(pk=pk).first()
    if employer is None:
        raise Http404
    union_path = employer.union.path if employer.union else ""
    path = employer.area_path if in_scope(user, employer.area_path) else union_path
    require(user, perm, path=path or employer.area_path)
    return employer


F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def page(perm: Perm = Perm.VIEW) -> Callable[[F], F]:
    """Guard a page: logged in (else to the login page) and the role holds `perm`.

    Object scope is checked by the view through `get_org` / `require(..., path=...)`.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, perm)
            return view(request, *args, **kwargs)

        wrapped.gonghui_perm = perm  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def acting_user(request: HttpRequest) -> User:
    """The account a request acts for, typed as `User`.

    Only for views behind `page` (which sends anonymous visitors to the login page) and API
    handlers behind the bearer token (which sets `request.user` to the token's user), so
    `request.user` is never `AnonymousUser` there. A cast, not a check: nothing changes at run time.
    """
    return cast("User", request.user)


def acting_org(request: HttpRequest) -> Org:
    """The acting user's own org, the root of their scope.

    Behind `page` / `require`, `has_perm` has already refused any account without an org, so the
    org is always there.
    """
    org = acting_user(request).org
    assert org is not None  # guaranteed by has_perm (org_id is None -> no permission)
    return org


# --- generic scope helpers: any model with a materialized-path column -----------------------

if TYPE_CHECKING:
    from django.db.models import Model

_M = TypeVar("_M", bound="Model")
MAX_PK = 2**63 - 1  # a larger id reaches no row (and would overflow the database's integer)


def scoped(
    queryset: QuerySet[_M], user: User | Any, *, perm: Perm = Perm.VIEW, path_field: str = "org_path"
) -> QuerySet[_M]:
    """The rows of `queryset` in the user's scope (403 unless the role holds `perm`)."""
    require(user, perm)
    return queryset.filter(**{f"{path_field}__startswith": scope_path(user)})


def get_scoped(
    queryset: QuerySet[_M], user: User | Any, pk: Any, *, perm: Perm = Perm.VIEW, path_field: str = "org_path"
) -> _M:
    """One row by primary key, looked up inside the user's scope: a row outside the scope and a
    row that does not exist give the same 404; a row in scope and a role without `perm` give 403."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < key <= MAX_PK:
        raise Http404
    obj = queryset.filter(pk=key, **{f"{path_field}__startswith": scope_path(user)}).first()
    if obj is None:
        raise Http404
    require(user, perm)
    return obj
