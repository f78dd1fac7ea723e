import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cohort import backups


class Command(BaseCommand):
    help = (
        "Back up the database and all uploaded files into a new folder (pg_dump on PostgreSQL, "
        "SQLite's backup API on SQLite, files as tar), with a manifest of row counts and hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder",
            type=Path,
            default=None,
            help="where the backup folder is written (default: BACKUP_ROOT)",
        )
        parser.add_argument(
            "--to-storage",
            action="store_true",
            help="copy the backup into the private storage (the bucket) under backups/ and "
            "remove the local copy",
        )

    def handle(self, *args, folder, to_storage, **options):
        folder = folder or Path(settings.BACKUP_ROOT)
        try:
            target = backups.create_backup(folder=folder)
            manifest = backups.read_manifest(target)
            where = str(target)
            if to_storage:
                where = f"storage:{backups.upload_backup(folder=target)}"
                shutil.rmtree(target)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        files = sum(len(names) for names in manifest["files"].values())
        self.stdout.write(
            f"Backup written to {where}: {rows} rows in {len(manifest['rows'])} tables, "
            f"{files} files."
        )
