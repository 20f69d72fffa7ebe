"""``manage.py rebuild_volunteer_statistics [--org CODE] [--months N]``: recompute the volunteer statistics."""
import time

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization
from volunteers import services, statistics


class Command(BaseCommand):
    help = "Recompute the volunteer statistics of every organisation (or of one subtree), month by month."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Code of the organisation whose subtree is recomputed (default: all).")
        parser.add_argument("--months", type=int, help="Only this month and the N-1 before it (default: every month "
                                                          "since the first registration or record).")

    def handle(self, *args, org=None, months=None, **options):
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"No organisation has the code {org}.")
        wanted = statistics.recent_months(months) if months else None
        started = time.monotonic()
        rows = services.rebuild_statistics(organization, wanted)
        self.stdout.write(f"Volunteer statistics: {rows} rows in {time.monotonic() - started:.1f} s.")
