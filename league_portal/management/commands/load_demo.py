"""``manage.py load_demo``: a realistic demo province, users in every role, plans with progress. Idempotent."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from assessment import demo as assessment_demo
from orgs import demo as orgs_demo
from plans import demo as plans_demo
from reports import demo as reports_demo
from volunteers import demo as volunteers_demo
from volunteers import services as volunteer_services


class Command(BaseCommand):
    help = "Load the demo organisation tree, departments and one user per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password of the demo users (default: DEMO_PASSWORD or league-demo).")

    @transaction.atomic
    def handle(self, *args, password=None, **options):
        password = password or settings.DEMO_PASSWORD
        result = orgs_demo.load_demo(password)
        tree = result["tree"]
        self.stdout.write(
            f"Organisations: {tree['create']} new, {tree['update']} changed, {tree['move']} moved, "
            f"{tree['unchanged']} unchanged; departments added: {result['departments']}."
        )
        plans = plans_demo.load()
        if plans["plans"]:
            # The demo tree has existed since the year began and reports from January (the start month an
            # administrator sets for a tree taken over from elsewhere): without it, organisations created today would
            # owe reports only from next month (reports.selectors.owing_reports).
            import datetime

            from django.utils import timezone

            from orgs.models import Organization

            january = datetime.date(timezone.localdate().year, 1, 1)
            new_year = timezone.make_aware(datetime.datetime.combine(january, datetime.time.min))
            Organization.objects.filter(created_at__gt=new_year).update(created_at=new_year)
            Organization.objects.filter(reporting_from__isnull=True).update(reporting_from=january)
        if plans["plans"]:  # a new demo year: its monthly reports (the scores below are computed from them)
            reports_demo.load()
        self.stdout.write(f"Plans: {plans['plans']} new (a plan that exists is left as it is).")
        schemes = assessment_demo.load()
        self.stdout.write(f"Assessment schemes: {schemes['schemes']} new.")
        volunteers = volunteers_demo.load(password=password)
        self.stdout.write(f"Volunteers: {volunteers['volunteers']} new, with a year of activities and hours.")
        rows = volunteer_services.rebuild_statistics()
        self.stdout.write(f"Volunteer statistics: {rows} organisation-months.")
        self.stdout.write("Demo users (change these passwords before any real use):")
        for username in [*result["users"], volunteers_demo.PASSWORD_USER]:
            self.stdout.write(f"  {username} / {password}")
