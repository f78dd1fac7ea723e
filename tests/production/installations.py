"""Installations of the portal run as separate processes (manage.py in a subprocess), each with
its own database and file folders or bucket, for the backup and stack tests."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
# What the machine's own environment must not leak into an installation under test.
CLEARED = (
    "DATABASE_URL",
    "REDIS_URL",
    "SLACK_",
    "GOOGLE_",
    "SENTRY_",
    "AWS_",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "LOG_FORMAT",
)


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Installation:
    folder: Path
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    pg_name: str | None = None

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def private(self) -> Path:
        return self.folder / "private"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
        env.update(
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.media),
            PRIVATE_MEDIA_ROOT=str(self.private),
            DATABASE_CONN_MAX_AGE="0",
            DJANGO_SETTINGS_MODULE="cohort.settings",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=check,
        )

    def row_counts(self) -> dict[str, int]:
        """Every table's row count, read with the database's own driver, not the portal."""
        if self.pg_name is None:
            path = self.database_url.removeprefix("sqlite:///")
            with sqlite3.connect(path) as db:
                names = [
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
        with psycopg2.connect(self.database_url) as db, db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            names = [r[0] for r in cursor.fetchall()]
            counts = {}
            for name in names:
                cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608
                counts[name] = cursor.fetchone()[0]
            return counts

    def drop(self) -> None:
        if self.pg_name:
            _admin_sql(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def _admin_sql(statement: str) -> None:
    db = psycopg2.connect(_with_database(postgres_url(), "postgres"))
    try:
        db.autocommit = True
        with db.cursor() as cursor:
            cursor.execute(statement)
    finally:
        db.close()


def new_installation(folder: Path, *, engine: str, **extra_env) -> Installation:
    """A new, empty installation (not migrated) on the given engine ("postgresql"/"sqlite")."""
    folder.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        return Installation(folder, f"sqlite:///{folder / 'db.sqlite3'}", extra_env)
    base = urlsplit(postgres_url()).path.lstrip("/") or "portal"
    name = f"{base}_{uuid.uuid4().hex[:8]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    return Installation(folder, _with_database(postgres_url(), name), extra_env, pg_name=name)


def folder_hashes(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
