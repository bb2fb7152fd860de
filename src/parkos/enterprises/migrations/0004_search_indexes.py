"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_established_not_in_future")]

    operations = [trigram_indexes("enterprises_enterprise", 'name', 'former_names', 'legal_representative', 'uscc')]
