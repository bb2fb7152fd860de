"""A 差评 case's rectification evidence becomes one of its attachments, served by the attachment view after the record's scope check;
the field goes (issue 14 §4)."""

from django.db import migrations

from parkos.core.legacy_files import move_to_attachments


def forwards(apps, schema_editor):
    move_to_attachments(apps, model="ratings.BadRatingCase", field="evidence", target="ratings.case", by=('handler',))


class Migration(migrations.Migration):

    dependencies = [
        ('ratings', '0003_constraint_messages'),
        ('core', '0010_security_event'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='badratingcase',
            name='evidence',
        ),
        migrations.RemoveField(
            model_name='historicalbadratingcase',
            name='evidence',
        ),
    ]
