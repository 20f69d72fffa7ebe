"""The threshold rule's message lives on the constraint, so forms, the API and imports all give it (no DDL)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0007_move_assessment_out"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="plan",
            name="plan_thresholds_ordered",
            constraint=models.CheckConstraint(condition=models.Q(("yellow_threshold__lte", models.F("red_threshold"))),
                                              name="plan_thresholds_ordered",
                                              violation_error_message="The red threshold must not be below the yellow one."),
        ),
    ]
