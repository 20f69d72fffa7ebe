"""Score items say what they are (an indicator's points, the bonuses, the deductions, an accepted appeal) in a
field, so that nothing reads it from their translated explanation again.

Items written before had only the explanation: the computation wrote the bonuses' line as “加分：…”, the
deductions' as “扣分：…” and each accepted appeal's as “申诉成立：…” — in English “Bonus：…”, “Deduction：…” and
“Appeal accepted: …” when English was active. This migration reads those prefixes once; lines without an indicator
that are neither bonuses nor deductions were appeals."""
from django.db import migrations, models
from django.db.models import Q

PREFIXES = {"bonus": ("加分：", "Bonus："), "deduction": ("扣分：", "Deduction：")}


def fill_kinds(apps, schema_editor):
    ScoreItem = apps.get_model("assessment", "ScoreItem")
    extras = ScoreItem.objects.filter(indicator__isnull=True)
    for kind, prefixes in PREFIXES.items():
        starts = Q()
        for prefix in prefixes:
            starts |= Q(explanation__startswith=prefix)
        extras.filter(starts).update(kind=kind)
    extras.filter(kind="indicator").update(kind="appeal")


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="scoreitem",
            name="kind",
            field=models.CharField(choices=[("indicator", "indicator"), ("bonus", "bonus"), ("deduction", "deduction"),
                                            ("appeal", "appeal")], default="indicator", max_length=10,
                                   verbose_name="item kind"),
        ),
        migrations.RunPython(fill_kinds, migrations.RunPython.noop),
    ]
