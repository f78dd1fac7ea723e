from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cohort import backups

STORAGE_PREFIX = "storage:"


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty installation (a new database "
        "that has not been migrated, and empty file storages), then check it against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            help="the backup folder, or storage:backups/portal-backup-... for one in the bucket",
        )

    def handle(self, *args, source, **options):
        try:
            if source.startswith(STORAGE_PREFIX):
                report = backups.restore_from_storage(prefix=source[len(STORAGE_PREFIX) :])
            else:
                report = backups.restore_backup(folder=Path(source))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {sum(report.rows.values())} rows in {len(report.rows)} tables and "
            f"{sum(report.files.values())} files; every row count and file hash matches the "
            "backup."
        )
