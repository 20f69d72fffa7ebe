"""The assessment models move to the assessment app (see assessment/migrations/0001_initial.py).

State only: the plans app forgets the models, and no table is touched; the assessment app owns them
under the same table names. It depends on assessment 0001, so the models are never without an owner.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0006_move_reports_out'),
        ('assessment', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='appeal',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='appeal',
                    name='filed_by',
                ),
                migrations.RemoveField(
                    model_name='appeal',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='appeal',
                    name='run',
                ),
                migrations.RemoveField(
                    model_name='appealevidence',
                    name='appeal',
                ),
                migrations.RemoveField(
                    model_name='assessmentrun',
                    name='published_by',
                ),
                migrations.RemoveField(
                    model_name='assessmentrun',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='assessmentrun',
                    name='scheme',
                ),
                migrations.RemoveField(
                    model_name='score',
                    name='run',
                ),
                migrations.RemoveField(
                    model_name='assessmentscheme',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='indicator',
                    name='scheme',
                ),
                migrations.RemoveField(
                    model_name='indicator',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='manualpoints',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='scoreitem',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='manualpoints',
                    name='entered_by',
                ),
                migrations.RemoveField(
                    model_name='manualpoints',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='score',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='scoreitem',
                    name='score',
                ),
                migrations.DeleteModel(
                    name='Adjustment',
                ),
                migrations.DeleteModel(
                    name='Appeal',
                ),
                migrations.DeleteModel(
                    name='AppealEvidence',
                ),
                migrations.DeleteModel(
                    name='AssessmentRun',
                ),
                migrations.DeleteModel(
                    name='AssessmentScheme',
                ),
                migrations.DeleteModel(
                    name='Indicator',
                ),
                migrations.DeleteModel(
                    name='ManualPoints',
                ),
                migrations.DeleteModel(
                    name='Score',
                ),
                migrations.DeleteModel(
                    name='ScoreItem',
                ),
            ],
            database_operations=[],
        ),
    ]
