"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("policies", "0005_legacy_files_to_attachments")]

    operations = [trigram_indexes("policies_policy", 'title', 'doc_number', 'issuer')]
