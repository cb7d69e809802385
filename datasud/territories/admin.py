from django.contrib import admin

from .models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    """Reference data loaded by `datasud load_territories`; edit only to mend a mistake."""

    list_display = ["name", "level", "code", "kind", "population"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code", "siren"]
    ordering = ["level", "name"]
    autocomplete_fields = ["parents"]
    # The outline is a large GeoJSON document: shown nowhere, replaced by the loader.
    exclude = ["geometry"]
    readonly_fields = ["bbox"]
