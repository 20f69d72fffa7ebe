"""Remove what DRF's authtoken app left behind: its table of plain-text keys and its records.

Knox tokens replace them; keys issued by the earlier endpoint stop working (clients log in
again). Nothing is restored on the way back: the old keys are not wanted again.
"""
from django.db import migrations


def drop_drf_authtoken(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('authtoken_token')}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(drop_drf_authtoken, migrations.RunPython.noop)]
