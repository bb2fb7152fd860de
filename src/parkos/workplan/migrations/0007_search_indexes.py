"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("workplan", "0006_legacy_files_to_attachments")]

    operations = [trigram_indexes("workplan_task", 'text', 'responsible', 'seq')]
