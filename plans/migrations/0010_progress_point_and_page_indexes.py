"""Progress entries carry their assignment's work point (copied, filled here for the entries already stored), with
an index in the order a work point's page lists them; and indexes that let the dashboard's cache key read the latest
roll-up and entry at once."""
import django.db.models.deletion
from django.db import migrations, models

FILL = """UPDATE plans_progressentry AS e SET point_id = a.point_id FROM plans_assignment AS a
          WHERE a.id = e.assignment_id AND e.point_id IS NULL"""


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0009_target_volunteer_figure"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressentry",
            name="point",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="plans.workpoint", verbose_name="work point"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="progressentry",
            name="point",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="plans.workpoint", verbose_name="work point"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["rolled_up_at"], name="assignment_rolled_up_at_idx"),
        ),
        migrations.AddIndex(
            model_name="progressentry",
            index=models.Index(fields=["point", "-reported_on", "-entered_at", "-id"], name="progress_point_newest_idx"),
        ),
        migrations.AddIndex(
            model_name="progressentry",
            index=models.Index(fields=["entered_at"], name="progress_entered_at_idx"),
        ),
    ]
