from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.accounts.actions import token_create
from gonghui.accounts.models import User


class Command(BaseCommand):
    help = "接口令牌。API tokens: gonghui token create USERNAME [--name NAME]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"账号不存在：{opts['username']} (unknown user)")
        if user.org_id is None:
            raise CommandError("该账号没有所属工会，不能使用接口。The account has no org.")
        _row, token = token_create(actor=None, user=user, name=opts["name"])
        self.stdout.write(token)
