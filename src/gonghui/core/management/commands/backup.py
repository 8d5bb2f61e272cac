from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def pg_env_args() -> tuple[dict[str, str], list[str]]:
    s = connection.settings_dict
    env = {"PGPASSWORD": s.get("PASSWORD") or ""}
    args = [
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
        "-d",
        s["NAME"],
    ]
    return env, args


class Command(BaseCommand):
    help = (
        "备份数据库到文件。Back up the database: gonghui backup FILE (SQLite online backup, or pg_dump -Fc)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        target = Path(opts["file"]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            src = sqlite3.connect(connection.settings_dict["NAME"])
            dst = sqlite3.connect(str(target))
            with dst:
                src.backup(dst)  # consistent even while the server writes (WAL)
            dst.close()
            src.close()
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("找不到 pg_dump。pg_dump not found: install postgresql-client.")
            env, conn = pg_env_args()
            res = subprocess.run(
                ["pg_dump", "-Fc", "-f", str(target), *conn],
                env={**env, "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
            )
            if res.returncode:
                raise CommandError(
                    f"pg_dump 失败：{res.stderr.strip().splitlines()[-1] if res.stderr else res.returncode}"
                )
        else:
            raise CommandError(f"不支持的数据库：{connection.vendor}")
        self.stdout.write(
            f"已备份到 {target}。个人信息密钥（pii.key 或 GONGHUI_PII_KEY）不在备份中，请另行妥善保管。"
        )
