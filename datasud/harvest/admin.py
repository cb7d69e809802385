"""The staff back-office of harvesting: sources (with a "harvest now" action), jobs with
their report, and the harvested records. Jobs and records are written by harvesting only:
staff read them here (and may delete a record so that its dataset is harvested again)."""
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import jobs
from .models import HarvestJob, HarvestRecord, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "organisation", "schedule", "active",
                    "record_count", "last_job"]
    list_filter = ["kind", "schedule", "active"]
    search_fields = ["name", "slug", "url"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "running_since"]
    fields = ["name", "slug", "kind", "url", "description", "organisation",
              "use_remote_organisation", "schedule", "active", "config", "created_at",
              "running_since"]
    actions = ["harvest_now"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # the sources we harvest are on the web
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation").annotate(
            record_count=Count("records", filter=Q(records__withdrawn_at__isnull=True)))

    @admin.display(description=_("jeux de données moissonnés"), ordering="record_count")
    def record_count(self, source) -> int:
        return source.record_count

    @admin.display(description=_("dernier moissonnage"))
    def last_job(self, source):
        job = source.jobs.order_by("-created_at").first()
        if job is None:
            return "—"
        url = reverse("admin:harvest_harvestjob_change", args=[job.pk])
        return format_html('<a href="{}">{} ({})</a>', url, job.get_status_display(),
                           f"{job.created_at:%d/%m/%Y %H:%M}")

    @admin.action(description=_("Moissonner maintenant"))
    def harvest_now(self, request, queryset):
        queued = 0
        for source in queryset:
            try:
                jobs.request_harvest(source, request.user)
            except jobs.HarvestBusy as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                queued += 1
        if queued:
            self.message_user(request, ngettext(
                "%d moissonnage demandé : son rapport apparaîtra dans « Moissonnages ».",
                "%d moissonnages demandés : leurs rapports apparaîtront dans « Moissonnages ».",
                queued) % queued, messages.SUCCESS)


@admin.register(HarvestJob)
class HarvestJobAdmin(admin.ModelAdmin):
    list_display = ["source", "status", "trigger", "created_at", "finished_at", "listed",
                    "created", "updated", "unchanged", "withdrawn", "errors"]
    list_filter = ["status", "trigger", "source"]
    list_select_related = ["source"]
    date_hierarchy = "created_at"
    fields = ["source", "status", "trigger", "requested_by", "created_at", "started_at",
              "finished_at", "listed", "created", "updated", "unchanged", "withdrawn",
              "errors", "error", "report_errors", "report_notes"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("jeux de données en erreur"))
    def report_errors(self, job):
        return _table(job.report.get("errors", []), "reason")

    @admin.display(description=_("remarques"))
    def report_notes(self, job):
        return _table(job.report.get("notes", []), "note")


def _table(entries: list[dict], key: str):
    if not entries:
        return "—"
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                            ((e.get("remote_id", ""), e.get("title", ""), e.get(key, ""))
                             for e in entries))
    return format_html("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
                       "<tbody>{}</tbody></table>", _("identifiant"), _("titre"), _("motif"),
                       rows)


@admin.register(HarvestRecord)
class HarvestRecordAdmin(admin.ModelAdmin):
    list_display = ["remote_id", "dataset", "source", "remote_modified", "harvested_at",
                    "withdrawn_at"]
    list_filter = ["source", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["remote_id", "dataset__title", "remote_url"]
    list_select_related = ["source", "dataset"]
    fields = ["source", "remote_id", "dataset", "remote_url", "remote_modified",
              "content_hash", "harvested_at", "last_seen_at", "withdrawn_at", "last_job"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
