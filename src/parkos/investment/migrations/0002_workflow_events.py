# The lead's timeline on the kernel's workflow event base (action, from_state, to_state, on, note, by, at).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("investment", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("stagechange", "from_stage", "from_state"),
        migrations.RenameField("stagechange", "to_stage", "to_state"),
        migrations.AddField(
            model_name="stagechange",
            name="action",
            field=models.CharField(default="remark", max_length=24, verbose_name="action"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="recorded"),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="to_state",
            field=models.CharField(blank=True, max_length=20, verbose_name="to"),
        ),
    ]
