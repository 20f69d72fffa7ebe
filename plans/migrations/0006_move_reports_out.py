# The monthly reports moved to the reports app (reports/migrations/0001_initial.py takes them over). Only the
# migration state changes: the tables keep their names (the models set db_table), so no SQL runs.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0005_case_insensitive_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ReportAttachment'),
                migrations.DeleteModel(name='ReportEvent'),
                migrations.DeleteModel(name='ReportLine'),
                migrations.DeleteModel(name='MonthlyReport'),
                migrations.DeleteModel(name='ReportField'),
                migrations.DeleteModel(name='ReportingRule'),
            ],
            database_operations=[],
        ),
    ]
