"""Backups of the whole installation: the database and both file storages, with a manifest of
row counts and file hashes that a restore checks itself against.

A backup is a folder named `portal-backup-<UTC time>` holding
- `database.dump` (pg_dump's custom format) on PostgreSQL, or `database.sqlite3` (SQLite's
  online backup API) on SQLite: both are consistent snapshots taken while the portal runs;
- `files-default.tar` (photos) and `files-private.tar` (receipts), read through the storages,
  so a bucket is backed up the same way as a folder;
- `manifest.json`: when, which engine, the row count of every table in the snapshot, and the
  SHA-256 of every file and of every part of the backup.
The folder is written on this machine, or into the private storage under `backups/`.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
BACKUP_PREFIX = "backups"
FILE_STORAGES = ("default", "private")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class RestoreReport:
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _walk(storage: Storage, folder: str = "") -> list[str]:
    """Every file name in a storage, found through its own listing (folder or bucket)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [str(PurePosixPath(folder, name)) if folder else name for name in files]
    for sub in folders:
        names.extend(_walk(storage, str(PurePosixPath(folder, sub)) if folder else sub))
    return sorted(names)


def stored_files(alias: str) -> list[str]:
    """The files of a storage that belong in a backup (never earlier backups)."""
    names = _walk(storages[alias])
    return [n for n in names if not (alias == "private" and n.startswith(f"{BACKUP_PREFIX}/"))]


def file_hashes(alias: str) -> dict[str, str]:
    storage = storages[alias]
    hashes = {}
    for name in stored_files(alias):
        with storage.open(name, "rb") as handle:
            hashes[name] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


def database_row_counts() -> dict[str, int]:
    """The row count of every table of the current database."""
    with connection.cursor() as cursor:
        return _count_rows(cursor, _tables())


def _dump_postgresql(target: Path) -> dict[str, int]:
    # Counts and dump read the same snapshot, so the manifest describes exactly the dump.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows = _count_rows(cursor, _tables())
        result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env=_pg_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return rows


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows = {
            name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in sorted(names)
        }
    return rows


def _tar_storage(alias: str, target: Path) -> dict[str, str]:
    storage = storages[alias]
    hashes = {}
    with tarfile.open(target, "w") as archive:
        for name in stored_files(alias):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            hashes[name] = hashlib.sha256(data).hexdigest()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
    return hashes


def create_backup(*, folder: Path, now: datetime | None = None) -> Path:
    """Write a backup folder under `folder`; reads the database and both storages, writes files."""
    engine = _engine()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = Path(folder) / f"portal-backup-{stamp}"
    # Personal data: readable by the portal's user alone.
    target.mkdir(parents=True, exist_ok=False, mode=0o700)
    database_file = "database.dump" if engine == "postgresql" else "database.sqlite3"
    if engine == "postgresql":
        rows = _dump_postgresql(target / database_file)
    else:
        rows = _dump_sqlite(target / database_file)
    files = {alias: _tar_storage(alias, target / f"files-{alias}.tar") for alias in FILE_STORAGES}
    parts = [database_file, *(f"files-{alias}.tar" for alias in FILE_STORAGES)]
    manifest = {
        "format": FORMAT,
        "created_at": stamp,
        "engine": engine,
        "database_file": database_file,
        "parts": {part: _sha256_file(target / part) for part in parts},
        "rows": rows,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    for path in target.iterdir():
        path.chmod(0o600)
    return target


def upload_backup(*, folder: Path) -> str:
    """Copy a backup folder into the private storage under backups/; returns its prefix there."""
    storage = storages["private"]
    prefix = f"{BACKUP_PREFIX}/{folder.name}"
    for path in sorted(folder.iterdir()):
        with open(path, "rb") as handle:
            saved = storage.save(f"{prefix}/{path.name}", handle)
        if saved != f"{prefix}/{path.name}":
            raise BackupError(f"{prefix}/{path.name} exists already in the storage.")
    return prefix


def download_backup(*, prefix: str, folder: Path) -> Path:
    """Copy a backup stored under `prefix` in the private storage into a local folder."""
    storage = storages["private"]
    prefix = prefix.strip("/")
    if not storage.exists(f"{prefix}/{MANIFEST}"):
        raise BackupError(f"No backup at {prefix} in the storage (no {MANIFEST}).")
    target = Path(folder) / PurePosixPath(prefix).name
    target.mkdir(parents=True, exist_ok=False)
    for name in storage.listdir(prefix)[1]:
        with storage.open(f"{prefix}/{name}", "rb") as source, open(target / name, "wb") as out:
            shutil.copyfileobj(source, out)
    return target


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for part, expected in manifest["parts"].items():
        if not (Path(folder) / part).exists() or _sha256_file(Path(folder) / part) != expected:
            raise BackupError(f"{part} is missing or damaged (its SHA-256 does not match).")
    return manifest


def _restore_postgresql(dump: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        [
            shutil.which("pg_restore") or "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=_pg_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_sqlite(copy_file: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(copy_file)) as source:
        source.backup(connection.connection)


def _clashing_files(alias: str, expected: dict[str, str]) -> list[str]:
    """Names of the backup already in the storage with other content."""
    present = set(stored_files(alias))
    hashes = {name: digest for name, digest in file_hashes(alias).items() if name in expected}
    return sorted(n for n in present & set(expected) if hashes[n] != expected[n])


def _untar_storage(alias: str, archive_path: Path) -> int:
    """Write the archive's files into the storage; those already there (the same bucket after
    losing only the database) were checked to be identical and are left as they are."""
    storage = storages[alias]
    count = 0
    with tarfile.open(archive_path, "r") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            count += 1
            if storage.exists(member.name):
                continue
            handle = archive.extractfile(member)
            saved = storage.save(member.name, ContentFile(handle.read()))
            if saved != member.name:
                raise BackupError(f"{member.name} could not be restored under its own name.")
    return count


def restore_backup(*, folder: Path) -> RestoreReport:
    """Bring a backup back into an empty installation; writes the database and both storages,
    then checks every table's row count and every file's hash against the manifest."""
    manifest = read_manifest(folder)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database; this installation uses {engine}."
        )
    existing = _tables()
    if existing:
        raise BackupError(
            f"The database is not empty ({len(existing)} tables): restore into a new, empty "
            "database (do not run migrate first)."
        )
    for alias in FILE_STORAGES:
        clashes = _clashing_files(alias, manifest["files"][alias])
        if clashes:
            raise BackupError(
                f"The {alias} file storage holds {len(clashes)} files of the backup's names with "
                f"other content (e.g. {clashes[0]}): restore into empty storage."
            )
    database_file = Path(folder) / manifest["database_file"]
    if engine == "postgresql":
        _restore_postgresql(database_file)
    else:
        _restore_sqlite(database_file)
    report = RestoreReport()
    for alias in FILE_STORAGES:
        report.files[alias] = _untar_storage(alias, Path(folder) / f"files-{alias}.tar")
    report.rows = database_row_counts()
    if report.rows != manifest["rows"]:
        differ = sorted(
            t
            for t in set(report.rows) | set(manifest["rows"])
            if report.rows.get(t) != manifest["rows"].get(t)
        )
        raise BackupError(f"Restored row counts differ from the backup's in: {', '.join(differ)}")
    for alias in FILE_STORAGES:
        hashes = file_hashes(alias)
        if {n: hashes.get(n) for n in manifest["files"][alias]} != manifest["files"][alias]:
            raise BackupError(f"Restored {alias} files differ from the backup's.")
    # Cached pages were rendered from rows the restore replaced (sessions fall back on the
    # database, which cached_db also writes).
    cache.clear()
    return report


def restore_from_storage(*, prefix: str) -> RestoreReport:
    with tempfile.TemporaryDirectory() as scratch:
        folder = download_backup(prefix=prefix, folder=Path(scratch))
        return restore_backup(folder=folder)
