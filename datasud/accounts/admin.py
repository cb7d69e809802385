from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, Membership, MembershipRequest


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owners from their account page, where the secret is shown
    once; staff can only look at them and revoke them."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at",
                    "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "key_hash", "scopes", "organisation", "created_at",
              "last_used_at", "expires_at", "revoked_at"]
    # Scopes and organisation are the owner's choice: staff never widen someone's token.
    readonly_fields = ["user", "prefix", "key_hash", "scopes", "organisation", "created_at",
                       "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Révoquer les jetons choisis"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token.revoke()
        self.message_user(request, ngettext("%d jeton révoqué.", "%d jetons révoqués.",
                                            len(tokens)) % len(tokens), messages.SUCCESS)


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    """Requests are answered by the organisation's administrators on its members page;
    staff can look them up here."""

    list_display = ["user", "organisation", "status", "created_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation", "decided_by"]
    # Accepting makes a membership: that is done on the members page, not by editing a row.
    readonly_fields = ["user", "organisation", "message", "status", "created_at",
                       "decided_at", "decided_by"]

    def has_add_permission(self, request) -> bool:
        return False
