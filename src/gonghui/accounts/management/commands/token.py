from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gonghui.accounts.actions import token_create, token_revoke, token_revoke_all
from gonghui.accounts.models import ApiToken, User
from gonghui.core.errors import ApplicationError


def _user(username: str) -> User:
    user = User.objects.select_related("org").filter(username=username).first()
    if user is None:
        raise CommandError(f"账号不存在：{username} (unknown user)")
    return user


class Command(BaseCommand):
    help = (
        "接口令牌。API tokens: gonghui token create USERNAME [--days N] [--name NAME] "
        "(prints the token once, on stdout) | list USERNAME | revoke USERNAME|TOKEN_ID "
        "(a username revokes all of its tokens)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("target", metavar="USERNAME|TOKEN_ID")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--days", type=int, default=None, help="有效天数 lifetime in days (default 90)")

    def handle(self, *args: Any, **opts: Any) -> None:
        action, target = opts["action"], opts["target"]
        if action == "create":
            user = _user(target)
            if user.org_id is None:
                raise CommandError("该账号没有所属工会，不能使用接口。The account has no org.")
            try:
                row, token = token_create(actor=None, user=user, name=opts["name"], days=opts["days"])
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(token)
            self.stderr.write(
                f"令牌 {row.pk} 有效期至 {timezone.localtime(row.expires_at):%Y-%m-%d %H:%M}（仅显示一次）"
            )
        elif action == "list":
            self._list(_user(target))
        else:
            self._revoke(target)

    def _list(self, user: User) -> None:
        now = timezone.now()
        self.stdout.write(f"{'ID':>6}  {'前缀':<8}  {'状态':<4}  {'有效期至':<16}  {'最近使用':<16}  用途")
        for row in ApiToken.objects.filter(user=user).order_by("-created_at"):
            state = "已吊销" if row.revoked_at else ("已过期" if row.expires_at <= now else "有效")
            used = f"{timezone.localtime(row.last_used_at):%Y-%m-%d %H:%M}" if row.last_used_at else "-"
            expires = f"{timezone.localtime(row.expires_at):%Y-%m-%d %H:%M}"
            self.stdout.write(
                f"{row.pk:>6}  {row.prefix:<8}  {state:<4}  {expires:<16}  {used:<16}  {row.name}"
            )

    def _revoke(self, target: str) -> None:
        user = User.objects.filter(username=target).first()
        if user is not None:
            n = token_revoke_all(actor=None, user=user)
            self.stdout.write(f"已吊销 {user.username} 的 {n} 个令牌。Revoked {n} token(s).")
            return
        row = (
            ApiToken.objects.select_related("user__org").filter(pk=int(target)).first()
            if target.isdigit()
            else None
        )
        if row is None:
            raise CommandError(f"没有该账号或令牌：{target} (unknown user or token id)")
        if token_revoke(actor=None, token=row):
            self.stdout.write(f"已吊销令牌 {row.pk}（{row.user.username}）。Revoked.")
        else:
            self.stdout.write(f"令牌 {row.pk} 早已吊销。Already revoked.")
