"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_rate_catalogue_inputs")]

    operations = [trigram_indexes("projects_project", 'name', 'code')]
