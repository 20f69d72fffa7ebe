"""``manage.py backup``: the database (pg_dump -Fc) and the uploads into backups/<UTC time>/ with a manifest."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from league_portal import backups


class Command(BaseCommand):
    help = ("Back up the PostgreSQL database of DATABASE_URL and the uploads of MEDIA_ROOT into <output>/<UTC time>/ "
            "(database.dump, media.tar, manifest.json with the rows of every table and the SHA-256 of every upload).")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "backups"),
                            help="Folder that receives the backup's own folder (default: backups/).")

    def handle(self, *args, output, **options):
        try:
            folder = backups.backup(output=Path(output), media_root=Path(settings.MEDIA_ROOT))
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backups.read_manifest(folder)
        self.stdout.write(f"{folder}: {len(manifest['database']['tables'])} tables, "
                          f"{manifest['database']['rows']} rows, {manifest['media']['count']} uploads.")
