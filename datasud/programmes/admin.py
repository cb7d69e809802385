"""The back-office of the programmes for the region's staff. Status moves go through the
service (`services.move`) so that the admin also keeps the history and the workflow rules."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    AccompanimentStep,
    ActivityReport,
    ApplicantProfile,
    Application,
    Call,
    Consultant,
    Event,
    Place,
    Programme,
    StatusChange,
)


class CallInline(admin.TabularInline):
    model = Call
    fields = ["slug", "title", "kind", "recurrence", "year", "opens_at", "closes_at"]
    extra = 0
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_demo", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CallInline]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "recurrence", "year", "opens_at",
                    "closes_at"]
    list_filter = ["programme", "kind", "recurrence"]
    search_fields = ["title"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AccompanimentStepInline(admin.TabularInline):
    model = AccompanimentStep
    fields = ["on", "title", "notes", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "call", "status", "consultant", "submitted_at", "is_demo"]
    list_filter = ["call__programme", "status", "is_demo"]
    search_fields = ["organisation__name"]
    # The status and the consultant change only through the services (the application
    # page, the API or the actions), which check the workflow and notify.
    readonly_fields = ["status", "status_changed_at", "submitted_by", "submitted_at",
                       "applicant_kind", "consultant", "consultant_assigned_at"]
    raw_id_fields = ["organisation"]
    inlines = [StatusChangeInline, AccompanimentStepInline]
    actions = ["move_under_review", "move_accepted", "move_rejected"]

    def _move(self, request, queryset, status: str) -> None:
        done, refused = 0, []
        for application in queryset:
            try:
                services.move(request.user, application, status)
                done += 1
            except (services.ProgrammeError, PermissionDenied) as error:
                refused.append(f"{application}: {error}")
        if done:
            self.message_user(request, _("%d candidature(s) déplacée(s).") % done)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Passer « en cours d'examen »"))
    def move_under_review(self, request, queryset):
        self._move(request, queryset, "under_review")

    @admin.action(description=_("Passer « retenue »"))
    def move_accepted(self, request, queryset):
        self._move(request, queryset, "accepted")

    @admin.action(description=_("Passer « non retenue »"))
    def move_rejected(self, request, queryset):
        self._move(request, queryset, "rejected")


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind"]
    raw_id_fields = ["organisation"]


class ActivityReportInline(admin.TabularInline):
    model = ActivityReport
    fields = ["year", "business_owners", "job_seekers", "citizens", "is_demo"]
    extra = 0


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["nom", "commune", "departement", "programme", "is_demo"]
    list_filter = ["programme", "departement", "is_demo"]
    search_fields = ["nom", "commune", "local_id"]
    raw_id_fields = ["organisation"]
    inlines = [ActivityReportInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "programme", "starts_on", "ends_on", "is_demo"]
    list_filter = ["kind", "programme", "is_demo"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["datasets", "reuses"]


@admin.register(Consultant)
class ConsultantAdmin(admin.ModelAdmin):
    """The consultants staff may assign: an existing account, its structure, the programmes
    it works on. Deactivating one withdraws its access to the applications at once."""

    list_display = ["__str__", "organisation", "is_active"]
    list_filter = ["is_active", "programmes"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
    filter_horizontal = ["programmes"]
