from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, CalendarDay, Department, ImportRun, Park, User, Zone


@admin.register(User)
class ParkOSUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("ParkOS", {"fields": ["role", "department", "display_name"]})]


@admin.register(Zone, Park, Department, CalendarDay)
class PlainAdmin(SimpleHistoryAdmin):
    pass


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "original_name", "status", "rows", "created_by"]
    list_filter = ["kind", "status"]
