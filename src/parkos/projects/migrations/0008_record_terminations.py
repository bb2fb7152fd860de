"""Terminations made before the project lifecycle's steps were counted by the rates: each terminated project without
a recorded step gets one, dated the day its history first shows it terminated (the rates leave a terminated project
out of the periods from that date on)."""

from django.db import migrations


def record(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    HistoricalProject = apps.get_model("projects", "HistoricalProject")
    RecordEvent = apps.get_model("core", "RecordEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ids = list(Project.objects.filter(status="terminated").values_list("pk", "status_reason"))
    if not ids:
        return
    ct, _created = ContentType.objects.get_or_create(app_label="projects", model="project")
    known = set(
        RecordEvent.objects.filter(
            content_type=ct, workflow="projects.project", action="terminated"
        ).values_list("object_id", flat=True)
    )
    rows = []
    for pk, reason in ids:
        if pk in known:
            continue
        first = (
            HistoricalProject.objects.filter(id=pk, status="terminated")
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        if first is None:
            continue  # no trace of the day: the rates count it as terminated before any period
        rows.append(
            RecordEvent(
                content_type=ct,
                object_id=pk,
                workflow="projects.project",
                action="terminated",
                to_state="terminated",
                on=first.date(),
                note=reason or "",
            )
        )
    RecordEvent.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0010_security_event"),
        ("projects", "0007_project_newest_first_index"),
    ]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
