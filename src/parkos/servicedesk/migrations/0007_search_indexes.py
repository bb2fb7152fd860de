"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0006_constraint_messages")]

    operations = [trigram_indexes("servicedesk_request", 'title', 'number')]
