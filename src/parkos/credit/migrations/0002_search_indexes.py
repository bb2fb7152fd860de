"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [
        trigram_indexes("credit_creditrecord", "title", "document_no"),
        trigram_indexes("credit_inspectiontask", "name", "code"),
    ]
