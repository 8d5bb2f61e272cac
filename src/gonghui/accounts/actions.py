"""Accounts, passwords and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.orgs.models import Org

# Letters and digits that cannot be misread when a one-time password is read out or copied by hand.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


class PasswordChangeRequired(ApplicationError):
    """The account had its password reset; the API refuses it (403) until it is changed."""

    status = 403

    def __init__(self) -> None:
        super().__init__(_("密码已被重置，请先登录网页修改密码。"), code="password_change_required")


def _org_path(user: User) -> str:
    return user.org.path if user.org else ""


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, password: str, org: Org, role: str, full_name: str = ""
) -> User:
    if role not in Role.values:
        raise ApplicationError(_("未知角色：%(r)s") % {"r": role}, code="role")
    if User.objects.filter(username=username).exists():
        raise ConflictError(_("账号 %(u)s 已存在。") % {"u": username}, code="duplicate_username")
    user = User(username=username, org=org, role=role, full_name=full_name)
    user.set_password(password)
    user.save()
    audit_record(
        user=actor, action="user.create", obj=user, org_path=org.path, changes={"role": role, "org": org.code}
    )
    return user


@transaction.atomic
def user_password_reset(*, actor: User | None, user: User) -> str:
    """Give the account a one-time password (returned, shown once, never stored in clear) and make
    it choose its own at the next login: every page leads to the change page, the API answers 403
    `password_change_required`. Its API tokens are revoked and a login lockout is lifted. The caller
    gates who may reset whom."""
    from axes.utils import reset as axes_reset  # axes reads its settings on import

    password = "".join(secrets.choice(_OTP_ALPHABET) for _ in range(14))
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    unlocked = axes_reset(username=user.username)  # a locked-out account can log in with the new one
    audit_record(
        user=actor,
        action="user.password_reset",
        obj=user,
        org_path=_org_path(user),
        changes={"failed_logins_cleared": unlocked},
    )
    # whoever knew the old password may hold a token made with it
    token_revoke_all(actor=actor, user=user)
    return password


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> None:
    """The account changes its own password; clears the flag a reset set."""
    if not user.check_password(old_password):
        raise ApplicationError(_("原密码不正确。"), code="wrong_password", details={"field": "old_password"})
    if new_password == old_password:
        raise ApplicationError(
            _("新密码不能与原密码相同。"), code="same_password", details={"field": "new_password1"}
        )
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(
            " ".join(exc.messages), code="weak_password", details={"field": "new_password1"}
        ) from exc
    was_reset = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        user=user,
        action="user.password_change",
        obj=user,
        org_path=_org_path(user),
        changes={"after_reset": was_reset},
    )


@transaction.atomic
def token_create(
    *, actor: User | None, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the token, which is shown once and never stored.

    It expires after `days` (default: the setting GONGHUI_TOKEN_DAYS, 90)."""
    days = settings.GONGHUI_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 3660:
        raise ApplicationError(_("令牌有效期须在 1 到 3660 天之间。"), code="token_days")
    token = "gh_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name[:60],
        prefix=token[:8],
        digest=ApiToken.digest_of(token),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        user=actor,
        action="token.create",
        obj=user,
        org_path=_org_path(user),
        changes={"token": row.pk, "prefix": row.prefix, "expires_at": row.expires_at.isoformat()},
    )
    return row, token


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> bool:
    """Revoke one token; False when it was already revoked (nothing changes then)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        user=actor,
        action="token.revoke",
        obj=token.user,
        org_path=_org_path(token.user),
        changes={"token": token.pk, "prefix": token.prefix},
    )
    return True


@transaction.atomic
def token_revoke_all(*, actor: User | None, user: User) -> int:
    """Revoke every live token of the account; how many."""
    rows = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for row in rows:
        token_revoke(actor=actor, token=row)
    return len(rows)


def token_authenticate(token: str) -> User | None:
    """The account of a live token (not revoked, not expired, active user), else None (401).

    Raises `PasswordChangeRequired` (403) when the account must first change its password."""
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if row.user.must_change_password:
        raise PasswordChangeRequired
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


# --------------------------------------------------------------------------- administration
# A federation or union admin manages the accounts of its own subtree (never above or beside it)
# and gives no role above its own: 总工会管理员 > 工会管理员 > the working roles.

ROLE_RANK = {Role.FEDERATION_ADMIN: 3, Role.UNION_ADMIN: 2}
USERNAME_RX = r"^[A-Za-z0-9_.@-]{3,40}$"


def role_rank(role: str) -> int:
    return ROLE_RANK.get(role, 1)  # type: ignore[call-overload]


def roles_for(actor: User) -> list[tuple[str, str]]:
    """The roles `actor` may give: none above its own."""
    return [(v, str(label)) for v, label in Role.choices if role_rank(v) <= role_rank(actor.role)]


def _admin_gate(actor: User, *, org: Org, role: str, target: User | None = None) -> None:
    """Scope (404 outside the subtree) and role (403 without USER_MANAGE), then the two rules of
    rank: the account acted on is not above the actor, nor is the role given."""
    from django.core.exceptions import PermissionDenied

    from gonghui.core.access import Perm, require

    require(actor, Perm.USER_MANAGE, path=org.path)
    if target is not None:
        require(actor, Perm.USER_MANAGE, path=_org_path(target) or "-")
        if role_rank(target.role) > role_rank(actor.role):
            raise PermissionDenied
    if role not in Role.values:
        raise ApplicationError(_("未知角色：%(r)s") % {"r": role}, code="role", details={"field": "role"})
    if role_rank(role) > role_rank(actor.role):
        raise ApplicationError(
            _("不能设定高于本人的角色。"), code="role_above", status=403, details={"field": "role"}
        )


def _one_time_password() -> str:
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(14))


@transaction.atomic
def account_create(*, actor: User, username: str, full_name: str, org: Org, role: str) -> tuple[User, str]:
    """A new account of the actor's subtree with a one-time password (returned, shown once): the
    user must choose their own at the first login."""
    import re

    _admin_gate(actor, org=org, role=role)
    username = username.strip()
    if not re.match(USERNAME_RX, username):
        raise ApplicationError(
            _("用户名为 3–40 位字母、数字或 _ . @ -。"), code="username", details={"field": "username"}
        )
    full_name = full_name.strip()[:40]
    if not full_name:
        raise ApplicationError(_("请填写姓名。"), code="full_name", details={"field": "name"})
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError(
            _("账号 %(u)s 已存在。") % {"u": username},
            code="duplicate_username",
            details={"field": "username"},
        )
    password = _one_time_password()
    user = User(username=username, org=org, role=role, full_name=full_name, must_change_password=True)
    user.set_password(password)
    user.save()
    audit_record(user=actor, action="user.create", obj=user, org_path=org.path,
                 changes={"role": role, "org": org.code, "name": full_name})  # fmt: skip
    return user, password


@transaction.atomic
def account_update(
    *, actor: User, user: User, full_name: str | None = None, org: Org | None = None,
    role: str | None = None, is_active: bool | None = None,
) -> User:  # fmt: skip
    """Change name, org, role or 停用/启用. Never the actor's own role, org or status (a locked-out
    federation would have nobody to let it back in); disabling revokes the account's API tokens."""
    from django.core.exceptions import PermissionDenied

    target = User.objects.select_for_update(of=("self",)).select_related("org").get(pk=user.pk)
    new_org = org or target.org
    new_role = role or target.role
    if new_org is None:
        raise PermissionDenied
    _admin_gate(actor, org=new_org, role=new_role, target=target)
    if target.pk == actor.pk and (new_org != target.org or new_role != target.role or is_active is False):
        raise ApplicationError(
            _("不能修改本人的角色、所属工会或停用本人账号。"), code="own_account", status=403
        )
    before = {"full_name": target.full_name, "org": target.org.code if target.org else "",
              "role": target.role, "is_active": target.is_active}  # fmt: skip
    if full_name is not None:
        if not full_name.strip():
            raise ApplicationError(_("请填写姓名。"), code="full_name", details={"field": "name"})
        target.full_name = full_name.strip()[:40]
    target.org, target.role = new_org, new_role
    if is_active is not None:
        target.is_active = is_active
    target.save(update_fields=["full_name", "org", "role", "is_active"])
    after = {
        "full_name": target.full_name,
        "org": new_org.code,
        "role": target.role,
        "is_active": target.is_active,
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(user=actor, action="user.update", obj=target, org_path=new_org.path, changes=changes)
    if is_active is False:
        token_revoke_all(actor=actor, user=target)
    return target


@transaction.atomic
def account_reset_password(*, actor: User, user: User) -> str:
    _admin_gate(actor, org=user.org or Org(path="-"), role=user.role, target=user)
    return user_password_reset(actor=actor, user=user)


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Lift a login lockout (django-axes) before its 30 minutes; how many failed attempts went."""
    from axes.utils import reset as axes_reset

    _admin_gate(actor, org=user.org or Org(path="-"), role=user.role, target=user)
    cleared = int(axes_reset(username=user.username) or 0)
    audit_record(user=actor, action="user.unlock", obj=user, org_path=_org_path(user),
                 changes={"failed_logins_cleared": cleared})  # fmt: skip
    return cleared


@transaction.atomic
def user_phone_change(*, user: User, phone: str) -> User:
    """The account sets its own phone (encrypted, shown masked); blank removes it."""
    from gonghui.core import ids, pii

    phone = phone.strip()
    if phone:
        try:
            phone = ids.normalize_phone(phone)
        except ValueError as e:
            raise ApplicationError(str(e), code="phone", details={"field": "phone"}) from None
    before = user.phone_masked
    user.phone_cipher = pii.encrypt(phone, context=PHONE_CONTEXT) if phone else ""
    user.phone_masked = pii.mask_phone(phone) if phone else ""
    user.save(update_fields=["phone_cipher", "phone_masked"])
    audit_record(user=user, action="user.phone_change", obj=user, org_path=_org_path(user),
                 changes={"phone": [before, user.phone_masked]})  # fmt: skip
    return user


PHONE_CONTEXT = "user.phone"
