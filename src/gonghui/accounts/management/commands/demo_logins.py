from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from gonghui.accounts.models import User
from gonghui.demo.county import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "打印演示账号。Print the demo accounts and their password."

    def handle(self, *args: Any, **opts: Any) -> None:
        names = [a[0] for a in DEMO_ACCOUNTS]
        users = {u.username: u for u in User.objects.filter(username__in=names).select_related("org")}
        if not users:
            self.stdout.write("没有演示账号。No demo accounts.")
            return
        self.stdout.write("")
        self.stdout.write(f"  演示账号 Demo accounts — 密码 password: {settings.GONGHUI_DEMO_PASSWORD}")
        for name in names:
            if u := users.get(name):
                self.stdout.write(
                    f"    {u.username:<18} {u.get_role_display():<8} {u.org.name if u.org else ''}"
                )
