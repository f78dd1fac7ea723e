"""`manage.py backup` of the demo restores exactly into a new installation: every table's row
count and every file's hash, checked here with the database's own driver and the file system.
On PostgreSQL (DATABASE_URL, as in .ci/run) it uses pg_dump/pg_restore; otherwise SQLite."""

import json

import pytest

from tests.fakes import s3
from tests.production.installations import (
    Installation,
    folder_hashes,
    new_installation,
    postgres_url,
)

ENGINE = "postgresql" if postgres_url() else "sqlite"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo, migrated and seeded in an installation of its own, and a backup of it."""
    source = new_installation(tmp_path_factory.mktemp("source"), engine=ENGINE)
    source.manage("migrate", "--no-input", "-v0")
    source.manage("seed_demo")
    backups = tmp_path_factory.mktemp("backups")
    output = source.manage("backup", "--folder", str(backups)).stdout
    (folder,) = list(backups.iterdir())
    yield source, folder, output
    source.drop()


@pytest.fixture
def empty(tmp_path):
    made = []

    def make(**extra_env):
        installation = new_installation(tmp_path / f"dst{len(made)}", engine=ENGINE, **extra_env)
        made.append(installation)
        return installation

    yield make
    for installation in made:
        installation.drop()


def test_backup_of_the_demo_restores_every_row_and_file(demo, empty):
    source, folder, output = demo
    target = empty()

    result = target.manage("restore", str(folder))

    source_rows = source.row_counts()
    assert target.row_counts() == source_rows
    assert source_rows["cohort_cohort"] == 1
    assert source_rows["compute_receipt"] > 0
    assert folder_hashes(target.media) == folder_hashes(source.media)
    assert folder_hashes(target.private) == folder_hashes(source.private)
    photos = [n for n in folder_hashes(source.media) if n.startswith("photos/")]
    receipts = [n for n in folder_hashes(source.private) if n.startswith("receipts/")]
    assert len(photos) > 0
    assert len(receipts) == source_rows["compute_receipt"]
    files = len(photos) + len(receipts)
    total = sum(source_rows.values())
    assert output == (
        f"Backup written to {folder}: {total} rows in {len(source_rows)} tables, {files} files.\n"
    )
    assert result.stdout == (
        f"Restored {total} rows in {len(source_rows)} tables and {files} files; every row count "
        "and file hash matches the backup.\n"
    )


def test_backup_holds_the_engines_own_dump_and_a_manifest(demo):
    _, folder, _ = demo

    manifest = json.loads((folder / "manifest.json").read_text())

    database_file = "database.dump" if ENGINE == "postgresql" else "database.sqlite3"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [database_file, "files-default.tar", "files-private.tar", "manifest.json"]
    )
    assert manifest["engine"] == ENGINE
    head = (folder / database_file).read_bytes()[:16]
    assert head.startswith(b"PGDMP" if ENGINE == "postgresql" else b"SQLite format 3\x00")
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o600"}


def test_restore_into_a_database_that_is_not_empty_refuses_and_changes_nothing(demo, empty):
    _, folder, _ = demo
    target = empty()
    target.manage("restore", str(folder))
    before = target.row_counts()
    files_before = folder_hashes(target.private)

    result = target.manage("restore", str(folder), check=False)

    assert result.returncode == 1
    assert "The database is not empty" in result.stderr
    assert target.row_counts() == before
    assert folder_hashes(target.private) == files_before


def test_restore_of_a_damaged_backup_refuses_before_touching_anything(demo, empty, tmp_path):
    _, folder, _ = demo
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for part in folder.iterdir():
        data = part.read_bytes()
        if part.name == "files-private.tar":
            data = data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:]
        (damaged / part.name).write_bytes(data)
    target = empty()

    result = target.manage("restore", str(damaged), check=False)

    assert result.returncode == 1
    assert "files-private.tar is missing or damaged" in result.stderr
    assert target.row_counts() == {}


def test_backup_to_the_bucket_restores_after_the_database_is_lost(demo, empty, tmp_path):
    """The bucket keeps the files and the backups; a new database gets everything back."""
    source, _, _ = demo
    with s3.running_s3() as endpoint:
        bucket = s3.new_bucket(endpoint)
        bucket_env = s3.environment(endpoint, bucket)
        # The demo moved to a bucket: its files under the storages' prefixes, the same database.
        for prefix, root in (("media", source.media), ("private", source.private)):
            for name in folder_hashes(root):
                body = (root / name).read_bytes()
                s3.client(endpoint).put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=body)
        files_before = s3.keys(endpoint, bucket)
        in_bucket = Installation(source.folder / "unused", source.database_url, bucket_env)
        scratch = tmp_path / "scratch"
        output = in_bucket.manage("backup", "--folder", str(scratch), "--to-storage").stdout
        prefix = output.split("storage:", 1)[1].split(":", 1)[0]
        target = empty(**bucket_env)

        result = target.manage("restore", f"storage:{prefix}")

        assert target.row_counts() == source.row_counts()
        assert [k for k in s3.keys(endpoint, bucket) if "/backups/" not in k] == files_before
        assert [k.rsplit("/", 1)[1] for k in s3.keys(endpoint, bucket, f"private/{prefix}/")] == [
            "database.dump" if ENGINE == "postgresql" else "database.sqlite3",
            "files-default.tar",
            "files-private.tar",
            "manifest.json",
        ]
        assert list(scratch.iterdir()) == []
        assert result.stdout.startswith("Restored ")
        assert not (source.folder / "unused").exists()
        assert not target.media.exists()
