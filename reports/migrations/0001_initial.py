# The monthly reports, moved here from the plans app (plans/migrations/0006_move_reports_out.py lets them go).
# Only the migration state changes: the models keep the plans app's tables (db_table), so no SQL runs. The
# content types are relabelled plans → reports rather than created anew, so that what refers to them by id
# (auth permissions, the admin log) stays attached; the recipe NetBox used to move ObjectChange into core.

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import reports.models

MOVED = ['reportingrule', 'reportfield', 'monthlyreport', 'reportline', 'reportevent', 'reportattachment']


def relabel(old, new):
    def run(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        content_types = ContentType.objects.using(schema_editor.connection.alias)
        # A content type already made under the new label (a partial migrate's post_migrate) would clash with the
        # moved one; the moved one wins, as its id is the one that permissions and log entries name.
        content_types.filter(app_label=new, model__in=MOVED).delete()
        content_types.filter(app_label=old, model__in=MOVED).update(app_label=new)
    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orgs', '0003_import_job'),
        ('plans', '0006_move_reports_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MonthlyReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='The first day of the month reported on.', verbose_name='month')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved')], default='draft', max_length=12, verbose_name='status')),
                        ('values', models.JSONField(blank=True, default=dict, verbose_name='figures')),
                        ('work_done', models.TextField(blank=True, verbose_name='work done this month')),
                        ('problems', models.TextField(blank=True, verbose_name='problems')),
                        ('next_plan', models.TextField(blank=True, verbose_name='plan for next month')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('days_late', models.PositiveSmallIntegerField(default=0, verbose_name='days late')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('return_reason', models.TextField(blank=True, verbose_name='reason for return')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monthly_reports', to='orgs.organization', verbose_name='organisation')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                    ],
                    options={
                        'verbose_name': 'monthly report',
                        'verbose_name_plural': 'monthly reports',
                        'db_table': 'plans_monthlyreport',
                        'ordering': ['-month', 'organization__path'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('original_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                        ('size', models.PositiveIntegerField(verbose_name='size')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('file', models.FileField(max_length=300, upload_to=reports.models.report_file_path, verbose_name='file')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='reports.monthlyreport', verbose_name='report')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'report attachment',
                        'verbose_name_plural': 'report attachments',
                        'db_table': 'plans_reportattachment',
                        'ordering': ['report', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('submit', 'submitted'), ('return', 'returned'), ('approve', 'approved'), ('reopen', 'reopened')], max_length=12, verbose_name='action')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='reports.monthlyreport', verbose_name='report')),
                    ],
                    options={
                        'verbose_name': 'report event',
                        'verbose_name_plural': 'report events',
                        'db_table': 'plans_reportevent',
                        'ordering': ['report', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportField',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.SlugField(verbose_name='key')),
                        ('label', models.CharField(max_length=100, verbose_name='label')),
                        ('field_type', models.CharField(choices=[('integer', 'whole number'), ('decimal', 'decimal'), ('percent', 'percentage'), ('boolean', 'yes/no'), ('text', 'text')], default='integer', max_length=10, verbose_name='type')),
                        ('required', models.BooleanField(default=False, verbose_name='required')),
                        ('minimum', models.DecimalField(blank=True, decimal_places=4, max_digits=16, null=True, verbose_name='minimum')),
                        ('maximum', models.DecimalField(blank=True, decimal_places=4, max_digits=16, null=True, verbose_name='maximum')),
                        ('help_text', models.CharField(blank=True, max_length=300, verbose_name='help text')),
                        ('order', models.PositiveIntegerField(default=0, verbose_name='order')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_fields', to='orgs.organization', verbose_name='defined by')),
                    ],
                    options={
                        'verbose_name': 'report field',
                        'verbose_name_plural': 'report fields',
                        'db_table': 'plans_reportfield',
                        'ordering': ['organization__path', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('levels', models.JSONField(blank=True, default=list, help_text='Empty: every level.', verbose_name='levels')),
                        ('kinds', models.JSONField(blank=True, default=list, help_text='Empty: every kind.', verbose_name='kinds')),
                        ('due_day', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(28)], verbose_name='due day of the following month')),
                        ('since', models.DateField(default=reports.models.this_month, help_text='The first month reported on under this rule (its first day).', verbose_name='reporting since')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('exceptions', models.ManyToManyField(blank=True, related_name='+', to='orgs.organization', verbose_name='exceptions')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reporting_rules', to='orgs.organization', verbose_name='receiving organisation')),
                    ],
                    options={
                        'verbose_name': 'reporting rule',
                        'verbose_name_plural': 'reporting rules',
                        'db_table': 'plans_reportingrule',
                        'ordering': ['organization__path', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('value', models.DecimalField(blank=True, decimal_places=4, max_digits=16, null=True, verbose_name='cumulative figure')),
                        ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_lines', to='plans.assignment', verbose_name='assignment')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='reports.monthlyreport', verbose_name='report')),
                    ],
                    options={
                        'verbose_name': 'report line',
                        'verbose_name_plural': 'report lines',
                        'db_table': 'plans_reportline',
                        'ordering': ['report', 'assignment__point__order', 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='monthlyreport',
                    constraint=models.UniqueConstraint(fields=('organization', 'month'), name='monthly_report_one_per_month'),
                ),
                migrations.AddConstraint(
                    model_name='monthlyreport',
                    constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='monthly_report_month_is_first_day'),
                ),
                migrations.AddConstraint(
                    model_name='reportfield',
                    constraint=models.UniqueConstraint(models.F('organization'), django.db.models.functions.text.Lower('key'), name='report_field_unique_key', violation_error_message='This organisation has a field with this key already.'),
                ),
                migrations.AddConstraint(
                    model_name='reportingrule',
                    constraint=models.CheckConstraint(condition=models.Q(('due_day__gte', 1), ('due_day__lte', 28)), name='reporting_rule_due_day_range'),
                ),
                migrations.AddConstraint(
                    model_name='reportline',
                    constraint=models.UniqueConstraint(fields=('report', 'assignment'), name='report_line_unique_assignment'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel('plans', 'reports'), relabel('reports', 'plans')),
    ]
