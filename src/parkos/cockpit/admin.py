from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Dimension, Indicator, PeerZone, Target


@admin.register(Dimension)
class DimensionAdmin(SimpleHistoryAdmin):
    list_display = ["version", "order", "name", "weight"]
    list_filter = ["version"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    """The office keeps the catalogue here: weights, direction, the ParkOS figure, indicators it learns of."""

    list_display = ["name", "dimension", "direction", "unit", "weight", "figure", "derive", "is_active"]
    list_filter = ["dimension__version", "dimension", "is_active"]
    search_fields = ["name", "code"]


@admin.register(PeerZone)
class PeerZoneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "region"]
    list_filter = ["region"]
    search_fields = ["name", "province"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "tile", "park", "value"]
    list_filter = ["year", "tile"]
