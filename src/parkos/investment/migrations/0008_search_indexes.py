"""Trigram indexes for the search across the zone (PostgreSQL only: core.search)."""

from django.db import migrations

from parkos.core.search import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("investment", "0007_foreign_capital_and_top500_edition")]

    operations = [trigram_indexes("investment_lead", 'title', 'investor_name', 'uscc')]
