"""An authorisation's scan becomes one of its attachments, served by the attachment view after the record's scope check;
the field goes (issue 14 §4)."""

from django.db import migrations

from parkos.core.legacy_files import move_to_attachments


def forwards(apps, schema_editor):
    move_to_attachments(apps, model="projects.Authorization", field="file", target="projects.authorization", by=('created_by',))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_constraint_messages'),
        ('core', '0010_security_event'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='authorization',
            name='file',
        ),
        migrations.RemoveField(
            model_name='historicalauthorization',
            name='file',
        ),
    ]
