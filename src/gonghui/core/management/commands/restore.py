from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from gonghui.core.management.commands.backup import pg_env_args


class Command(BaseCommand):
    help = (
        "从备份文件恢复数据库（会覆盖现有数据）。Restore: gonghui restore FILE --yes (stop the server first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="确认覆盖现有数据库")

    def handle(self, *args: Any, **opts: Any) -> None:
        source = Path(opts["file"]).resolve()
        if not source.is_file():
            raise CommandError(f"备份文件不存在：{source}")
        if not opts["yes"]:
            raise CommandError("恢复会覆盖现有数据库，请加 --yes 确认。Add --yes to overwrite the database.")
        if connection.vendor == "sqlite":
            try:
                src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
                src.execute("SELECT count(*) FROM django_migrations").fetchone()
            except sqlite3.DatabaseError as e:
                raise CommandError(f"不是有效的 gonghui 备份：{e}") from e
            connection.close()
            dst = sqlite3.connect(connection.settings_dict["NAME"])
            with dst:
                src.backup(dst)
            dst.close()
            src.close()
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_restore"):
                raise CommandError("找不到 pg_restore。pg_restore not found: install postgresql-client.")
            env, conn = pg_env_args()
            connection.close()
            res = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", *conn, str(source)],
                                 env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)  # fmt: skip
            if res.returncode:
                raise CommandError(
                    f"pg_restore 失败：{res.stderr.strip().splitlines()[-1] if res.stderr else res.returncode}"
                )
        else:
            raise CommandError(f"不支持的数据库：{connection.vendor}")
        from django.core.management import call_command

        from gonghui.reports.counters import verify

        call_command("migrate", verbosity=0)  # a backup from an older version catches up

        diffs = verify()
        self.stdout.write(
            f"已从 {source} 恢复。统计计数核对：{'一致' if not diffs else f'{len(diffs)} 处不一致，请运行 gonghui stats --rebuild'}。"
        )
