"""Back-office of the training offers: read them, filter them, find a bad import. Offers
come from files (`datasud import_trainings`), so they are not typed in here."""
from django.contrib import admin

from .models import ImportBatch, TargetedRome, TrainingOffer


class TargetedRomeInline(admin.TabularInline):
    model = TargetedRome
    extra = 0


@admin.register(TrainingOffer)
class TrainingOfferAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_name", "place_name", "source", "is_demo", "start_date",
                    "imported_at"]
    list_filter = ["source", "is_demo", "departement", "certification_kind", "remote"]
    search_fields = ["title", "provider_name", "source_id", "certification_code",
                     "commune_insee"]
    raw_id_fields = ["batch"]
    inlines = [TargetedRomeInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "source", "started_at", "created", "updated", "removed",
                    "is_demo"]
    list_filter = ["source", "is_demo"]
    readonly_fields = ["source", "file_name", "checksum", "is_demo", "started_at", "created",
                       "updated", "removed"]
