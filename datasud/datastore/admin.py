from django.contrib import admin

from .models import DeclaredSchema, Load, Table


class TableInline(admin.TabularInline):
    model = Table
    extra = 0
    fields = ["position", "name", "row_count", "size", "file"]
    readonly_fields = fields
    can_delete = False


@admin.register(Load)
class LoadAdmin(admin.ModelAdmin):
    list_display = ["resource", "number", "status", "is_current", "created_at", "finished_at"]
    list_filter = ["status", "is_current"]
    search_fields = ["resource__title", "resource__dataset__title"]
    raw_id_fields = ["resource", "requested_by"]
    readonly_fields = ["status", "is_current", "stage", "source_url", "source_checksum",
                       "source_size", "source_format", "options", "warnings", "error",
                       "directory", "task_id", "created_at", "started_at", "finished_at"]
    inlines = [TableInline]


@admin.register(DeclaredSchema)
class DeclaredSchemaAdmin(admin.ModelAdmin):
    list_display = ["resource", "url", "updated_at"]
    raw_id_fields = ["resource"]
