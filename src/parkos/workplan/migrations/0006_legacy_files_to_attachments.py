"""A progress report's attachment becomes one of its attachments, served by the attachment view after the record's scope check;
the field goes (issue 14 §4)."""

from django.db import migrations

from parkos.core.legacy_files import move_to_attachments


def forwards(apps, schema_editor):
    move_to_attachments(apps, model="workplan.ProgressReport", field="attachment", target="workplan.report", by=('created_by',))


class Migration(migrations.Migration):

    dependencies = [
        ('workplan', '0005_task_label'),
        ('core', '0010_security_event'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalprogressreport',
            name='attachment',
        ),
        migrations.RemoveField(
            model_name='progressreport',
            name='attachment',
        ),
    ]
