from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualIndicator, Contact, Enterprise, EnterpriseAccount, LandParcel, MonthlyIndicator


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "park", "owner", "status", "is_above_scale"]
    list_filter = ["park", "status", "is_above_scale", "is_high_tech"]
    search_fields = ["name", "uscc", "former_names"]


@admin.register(LandParcel, AnnualIndicator, MonthlyIndicator, Contact)
class ChildAdmin(SimpleHistoryAdmin):
    raw_id_fields = ["enterprise"]


@admin.register(EnterpriseAccount)
class EnterpriseAccountAdmin(admin.ModelAdmin):
    raw_id_fields = ["user", "enterprise"]
