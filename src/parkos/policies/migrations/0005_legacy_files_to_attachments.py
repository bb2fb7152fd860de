"""A policy application's materials becomes one of its attachments, served by the attachment view after the record's scope check;
the field goes (issue 14 §4)."""

from django.db import migrations

from parkos.core.legacy_files import move_to_attachments


def forwards(apps, schema_editor):
    move_to_attachments(apps, model="policies.Application", field="materials", target="policies.application", by=('submitted_by',))


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0004_constraint_messages'),
        ('core', '0010_security_event'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='application',
            name='materials',
        ),
        migrations.RemoveField(
            model_name='historicalapplication',
            name='materials',
        ),
    ]
