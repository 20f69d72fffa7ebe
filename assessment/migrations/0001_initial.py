"""The assessment models, taken over from the plans app (plans 0004) where their tables stay.

State only: ``CreateModel`` tells Django that these models now belong here, with ``Meta.db_table``
naming the tables plans created, so SQLite and PostgreSQL run no DDL (plans 0006 then drops them
from the plans state). The content types are relabelled plans → assessment rather than created
anew, so their ids — and the permissions, admin log entries and group grants that point at them —
stay as they were; going back relabels them again (NetBox moved ObjectChange into core this way).
"""
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import assessment.models
import orgs.permissions

MODELS = ["assessmentscheme", "indicator", "assessmentrun", "score", "scoreitem", "manualpoints", "adjustment",
          "appeal", "appealevidence"]


def relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=old, model=model).exists():
            # a type made for the new label in the meantime holds nothing the old one does not
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def to_assessment(apps, schema_editor):
    relabel(apps, "plans", "assessment")


def to_plans(apps, schema_editor):
    relabel(apps, "assessment", "plans")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orgs', '0003_import_job'),
        ('plans', '0005_case_insensitive_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Appeal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('status', models.CharField(choices=[('pending', 'pending'), ('accepted', 'accepted'), ('rejected', 'rejected')], default='pending', max_length=10, verbose_name='status')),
                        ('adjustment', models.DecimalField(decimal_places=2, default=0, max_digits=8, verbose_name='adjustment')),
                        ('decision', models.TextField(blank=True, verbose_name='decision')),
                        ('filed_at', models.DateTimeField(auto_now_add=True, verbose_name='filed at')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('filed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='filed by')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.organization', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'appeal',
                        'verbose_name_plural': 'appeals',
                        'db_table': 'plans_appeal',
                        'ordering': ['-filed_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AppealEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('original_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                        ('size', models.PositiveIntegerField(verbose_name='size')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('file', models.FileField(max_length=300, upload_to=assessment.models.appeal_path, verbose_name='file')),
                        ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='assessment.appeal', verbose_name='appeal')),
                    ],
                    options={
                        'verbose_name': 'appeal evidence',
                        'verbose_name_plural': 'appeal evidence',
                        'db_table': 'plans_appealevidence',
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('version', models.PositiveSmallIntegerField(default=1, verbose_name='version')),
                        ('status', models.CharField(choices=[('computing', 'computing'), ('provisional', 'provisional'), ('appeal', 'open for appeal'), ('published', 'published'), ('superseded', 'superseded'), ('failed', 'failed')], default='computing', max_length=12, verbose_name='status')),
                        ('reason', models.CharField(blank=True, max_length=500, verbose_name='reason')),
                        ('computed_at', models.DateTimeField(blank=True, null=True, verbose_name='computed at')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('appeal_until', models.DateField(blank=True, null=True, verbose_name='appeals until')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='published by')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'assessment run',
                        'verbose_name_plural': 'assessment runs',
                        'db_table': 'plans_assessmentrun',
                        'ordering': ['-month', '-version'],
                    },
                ),
                migrations.AddField(
                    model_name='appeal',
                    name='run',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appeals', to='assessment.assessmentrun', verbose_name='run'),
                ),
                migrations.CreateModel(
                    name='AssessmentScheme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('levels', models.JSONField(blank=True, default=list, help_text='Empty: every level.', verbose_name='levels assessed')),
                        ('kinds', models.JSONField(blank=True, default=list, help_text='Empty: every kind.', verbose_name='kinds assessed')),
                        ('grade_mode', models.CharField(choices=[('threshold', 'by score thresholds'), ('share', 'by share of the group')], default='threshold', max_length=10, verbose_name='grades')),
                        ('thresholds', models.JSONField(default=assessment.models.default_thresholds, help_text='Lowest score of 优秀, 良好 and 合格.', verbose_name='grade thresholds')),
                        ('shares', models.JSONField(default=assessment.models.default_shares, help_text='Percent of the group graded 优秀 and 良好 by rank; below the 合格 threshold is 不合格.', verbose_name='grade shares')),
                        ('bonus_cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='bonus cap')),
                        ('deduction_cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='deduction cap')),
                        ('appeal_days', models.PositiveSmallIntegerField(default=0, help_text='0: scores are published without an appeal window.', verbose_name='appeal window (days)')),
                        ('compute_day', models.PositiveSmallIntegerField(default=8, help_text='Day of the following month on which beat computes the scores.', verbose_name='computed on day')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_schemes', to='orgs.organization', verbose_name='issued by')),
                    ],
                    options={
                        'verbose_name': 'assessment scheme',
                        'verbose_name_plural': 'assessment schemes',
                        'db_table': 'plans_assessmentscheme',
                        'ordering': ['-year', 'organization__path', 'pk'],
                    },
                    bases=(orgs.permissions.ScopedByOrganization, models.Model),
                ),
                migrations.AddField(
                    model_name='assessmentrun',
                    name='scheme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='runs', to='assessment.assessmentscheme', verbose_name='scheme'),
                ),
                migrations.CreateModel(
                    name='Adjustment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('points', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(0)], verbose_name='points')),
                        ('kind', models.CharField(choices=[('bonus', 'bonus'), ('deduction', 'deduction')], max_length=10, verbose_name='kind')),
                        ('reason', models.CharField(max_length=500, verbose_name='reason')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='entered at')),
                        ('entered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.organization', verbose_name='organisation')),
                        ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adjustments', to='assessment.assessmentscheme', verbose_name='scheme')),
                    ],
                    options={
                        'verbose_name': 'bonus or deduction',
                        'verbose_name_plural': 'bonuses and deductions',
                        'db_table': 'plans_adjustment',
                        'ordering': ['month', 'organization__path', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Indicator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('max_points', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(0)], verbose_name='maximum points')),
                        ('rule', models.CharField(blank=True, choices=[('targets', 'target completion'), ('reporting', 'monthly reporting'), ('report_field', 'report field against a standard'), ('manual', 'points entered by an assessor')], max_length=15, verbose_name='scoring rule')),
                        ('params', models.JSONField(blank=True, default=dict, verbose_name='rule parameters')),
                        ('standard', models.TextField(blank=True, verbose_name='scoring standard (评分标准)')),
                        ('order', models.PositiveIntegerField(default=0, verbose_name='order')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='assessment.indicator', verbose_name='一级指标')),
                        ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='assessment.assessmentscheme', verbose_name='scheme')),
                    ],
                    options={
                        'verbose_name': 'indicator',
                        'verbose_name_plural': 'indicators',
                        'db_table': 'plans_indicator',
                        'ordering': ['scheme', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ManualPoints',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('points', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(0)], verbose_name='points')),
                        ('comment', models.CharField(max_length=500, verbose_name='comment')),
                        ('entered_at', models.DateTimeField(auto_now=True, verbose_name='entered at')),
                        ('entered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='manual_points', to='assessment.indicator', verbose_name='indicator')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.organization', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'manual points',
                        'verbose_name_plural': 'manual points',
                        'db_table': 'plans_manualpoints',
                        'ordering': ['month', 'indicator', 'organization__path'],
                    },
                ),
                migrations.CreateModel(
                    name='Score',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('total', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='total')),
                        ('bonus', models.DecimalField(decimal_places=2, default=0, max_digits=8, verbose_name='bonus')),
                        ('deduction', models.DecimalField(decimal_places=2, default=0, max_digits=8, verbose_name='deduction')),
                        ('rank', models.PositiveIntegerField(verbose_name='rank')),
                        ('grade', models.CharField(choices=[('excellent', 'excellent'), ('good', 'good'), ('pass', 'pass'), ('fail', 'fail')], max_length=10, verbose_name='grade')),
                        ('change', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='change from last month')),
                        ('ytd_total', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='year to date, total')),
                        ('ytd_average', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='year to date, average')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='orgs.organization', verbose_name='organisation')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='assessment.assessmentrun', verbose_name='run')),
                    ],
                    options={
                        'verbose_name': 'score',
                        'verbose_name_plural': 'scores',
                        'db_table': 'plans_score',
                        'ordering': ['run', 'rank', 'organization__path'],
                    },
                    bases=(orgs.permissions.ScopedByOrganization, models.Model),
                ),
                migrations.CreateModel(
                    name='ScoreItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('raw', models.DecimalField(blank=True, decimal_places=4, max_digits=16, null=True, verbose_name='raw figure')),
                        ('points', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='points')),
                        ('explanation', models.TextField(verbose_name='explanation')),
                        ('indicator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessment.indicator', verbose_name='indicator')),
                        ('score', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='assessment.score', verbose_name='score')),
                    ],
                    options={
                        'verbose_name': 'score item',
                        'verbose_name_plural': 'score items',
                        'db_table': 'plans_scoreitem',
                        'ordering': ['score', models.OrderBy(models.F('indicator__order'), nulls_last=True), 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='assessmentrun',
                    constraint=models.UniqueConstraint(fields=('scheme', 'month', 'version'), name='assessment_run_version'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentrun',
                    constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='assessment_run_month_first_day'),
                ),
                migrations.AddConstraint(
                    model_name='manualpoints',
                    constraint=models.UniqueConstraint(fields=('indicator', 'organization', 'month'), name='manual_points_once'),
                ),
                migrations.AddConstraint(
                    model_name='score',
                    constraint=models.UniqueConstraint(fields=('run', 'organization'), name='score_once_per_run'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_assessment, to_plans),
    ]
