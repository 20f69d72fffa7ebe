"""``manage.py generate_scale_data --tier S|M|L``: a generated province for benchmarks and scale tests
(league_portal/scale.py). Refuses a database that holds organisations unless told ``--wipe`` (empty it first) or
``--force`` (add the province beside them)."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization

from ... import scale


class Command(BaseCommand):
    help = "Generate a whole province (tree, plan, progress, reports, volunteers, scores) on the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=list(scale.TIERS), default="S",
                            help="XS (tests), S (~1,000 organisations), M (~12,000), L (~60,000).")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same province.")
        parser.add_argument("--year", type=int, help="The plan's year (default: this year).")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat,
                            help="The day the data runs up to, YYYY-MM-DD (default: today).")
        parser.add_argument("--province", default="43", help="The two-digit province number of codes and ID numbers.")
        parser.add_argument("--password", help="Password of the generated users (default: none, they cannot log in).")
        parser.add_argument("--wipe", action="store_true", help="Empty the whole database first (every table).")
        parser.add_argument("--force", action="store_true", help="Add the province beside the organisations there.")

    def handle(self, *args, tier, seed, year, as_of, province, password, wipe, force, **options):
        existing = Organization.objects.count()
        if existing and not (wipe or force):
            raise CommandError(f"The database holds {existing:,} organisations already. Give --wipe to empty it first "
                               f"or --force to add the province beside them.")
        if force and Organization.objects.filter(code=f"{province}000000").exists() and not wipe:
            raise CommandError(f"Province {province} exists already: choose another --province.")
        if wipe and existing:
            self.stdout.write(f"Emptying the database ({existing:,} organisations) …")
            scale.wipe()
        try:
            report = scale.generate(tier, seed=seed, year=year, as_of=as_of, province=province, password=password,
                                    out=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Tier {tier}, seed {seed}, year {report.year} as of {report.as_of}: done in {report.seconds:.1f} s."))
