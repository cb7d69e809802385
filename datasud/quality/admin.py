"""The link checker's rows in the back-office: read only, with « Vérifier maintenant »,
which queues the check of the selected addresses (at most 1,000) for the task worker; and
the run lease (who is checking links now, since and until when)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import LinkCheck, LinkCheckLease
from .tasks import check_links


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    list_display = (
        "url",
        "status_code",
        "broken",
        "consecutive_failures",
        "checked_at",
        "next_check_at",
    )
    list_filter = ("broken",)
    search_fields = ("url",)
    readonly_fields = [f.name for f in LinkCheck._meta.fields]
    actions = ["check_now"]

    @admin.action(description=_("Vérifier maintenant (en tâche de fond)"))
    def check_now(self, request, queryset):
        urls = list(queryset.values_list("url", flat=True)[:1000])
        # The selection, not LINKCHECK_MAX_PER_RUN: staff chose these addresses.
        check_links.enqueue(urls=urls, limit=len(urls) or None)
        self.message_user(request, _("Vérification demandée."))

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LinkCheckLease)
class LinkCheckLeaseAdmin(admin.ModelAdmin):
    """Read only: a run takes and releases its lease itself. Deleting the row frees a lease
    at once (the run holding it stops at its next renewal)."""

    list_display = ("name", "holder", "since", "expires_at")
    readonly_fields = [f.name for f in LinkCheckLease._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
