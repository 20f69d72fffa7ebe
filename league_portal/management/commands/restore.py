"""``manage.py restore BACKUP``: a backup of ``manage.py backup`` into a database and MEDIA_ROOT, checked after."""
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from league_portal import backups


class Command(BaseCommand):
    help = ("Restore a backup folder into the database of --database-url (default: DATABASE_URL) and MEDIA_ROOT, then "
            "check every table's rows and every upload's checksum against its manifest. A target that is not empty "
            "is refused unless --force (or FORCE=1).")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup's folder, e.g. backups/20261124T201500Z.")
        parser.add_argument("--database-url", default="", help="The target database (default: DATABASE_URL).")
        parser.add_argument("--media-root", default="", help="Where the uploads go (default: MEDIA_ROOT).")
        parser.add_argument("--force", action="store_true", default=os.environ.get("FORCE", "") not in ("", "0"),
                            help="Replace the tables and uploads the target already has.")

    def handle(self, *args, backup, database_url, media_root, force, **options):
        database = backups.database_from_url(database_url) if database_url else settings.DATABASES["default"]
        try:
            result = backups.restore(folder=Path(backup), database=database,
                                     media_root=Path(media_root or settings.MEDIA_ROOT), force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {backup} into {database.get('NAME')}: {result['tables']} tables, "
                          f"{result['rows']} rows, {result['files']} uploads, all as the manifest says.")
