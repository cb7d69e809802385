"""The staff back-office of the catalogue.

The change form bypasses `services.py`, so the dataset admin writes the history entry and
schedules the search index update itself, as the services do. Archiving is not a field of
the form but an action of the list, done by the services.
"""
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from datasud.accounts.models import Membership
from datasud.search import indexing

from .models import Activity, Dataset, Licence, Organisation, Resource, Reuse, Tag, Theme
from .services import TRACKED_FIELDS, TRACKED_RELATIONS, archive_dataset, unarchive_dataset


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "iso_topic", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_open", "position"]
    list_filter = ["is_open"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "dataset_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dataset_count=Count("datasets"))

    @admin.display(description=_("jeux de données"), ordering="dataset_count")
    def dataset_count(self, tag) -> int:
        return tag.dataset_count


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "type", "partnership_signed_on", "dataset_count"]
    list_filter = ["type", ("partnership_signed_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "acronym", "siren", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dataset_count=Count("datasets"))

    @admin.display(description=_("jeux de données"), ordering="dataset_count")
    def dataset_count(self, organisation) -> int:
        return organisation.dataset_count


class ResourceInline(admin.StackedInline):
    model = Resource
    extra = 0
    fields = ["title", "kind", "file", "url", "format", "media_type", "size", "checksum",
              "position", "description"]
    readonly_fields = ["size", "checksum", "media_type"]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "actor_deleted", "changes"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _state(dataset: Dataset) -> dict:
    """The tracked fields of a dataset as its history stores them."""
    values = {}
    for name in TRACKED_FIELDS:
        value = getattr(dataset, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        values[name] = value
    for name in TRACKED_RELATIONS:
        values[name] = sorted(str(v) for v in getattr(dataset, name).all())
    return values


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "private", "archived_at", "modified_at"]
    list_filter = ["status", "private", ("archived_at", admin.EmptyFieldListFilter),
                   "organisation", "themes"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug", "description", "source_id"]
    date_hierarchy = "modified_at"
    autocomplete_fields = ["organisation", "tags", "territories", "licence"]
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "modified_at", "published_at", "archived_at",
                       "created_by"]
    inlines = [ResourceInline, ActivityInline]
    actions = ["archive", "unarchive"]

    @admin.action(description=_("Archiver les jeux de données sélectionnés"))
    def archive(self, request, queryset):
        done = sum(archive_dataset(request.user, dataset) for dataset in queryset)
        self.message_user(request, ngettext("%(count)d jeu de données archivé.",
                                            "%(count)d jeux de données archivés.", done)
                          % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Désarchiver les jeux de données sélectionnés"))
    def unarchive(self, request, queryset):
        done = sum(unarchive_dataset(request.user, dataset) for dataset in queryset)
        self.message_user(request, ngettext("%(count)d jeu de données désarchivé.",
                                            "%(count)d jeux de données désarchivés.", done)
                          % {"count": done}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        # Kept on the request, not on this admin object, which all requests share.
        request.dataset_before = _state(Dataset.objects.get(pk=obj.pk)) if change else {}
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        dataset = form.instance
        before = getattr(request, "dataset_before", {})
        after = _state(dataset)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changes:
            action = Activity.Action.UPDATED if change else Activity.Action.CREATED
            Activity.objects.create(dataset=dataset, actor=request.user, action=action,
                                    changes=changes)
        indexing.schedule_reindex([dataset.pk])

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        indexing.schedule_remove([pk])

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        indexing.schedule_remove(pks)


@admin.register(Reuse)
class ReuseAdmin(admin.ModelAdmin):
    list_display = ["title", "type", "author_name", "organisation", "published", "created_at"]
    list_filter = ["type", "published"]
    search_fields = ["title", "slug", "author_name", "url"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["datasets", "organisation", "owner"]
    list_select_related = ["organisation"]
