"""Read actions on the catalogue: site status, datasets, organisations, groups (the
themes), tags, licences and resources. Everything is read through
`Dataset.objects.visible_to(user)`."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Licence, Organisation, Tag, Theme
from datasud.search.services import SearchQuery, search_datasets

from .. import dictize, lookups
from ..context import Context
from ..errors import NotFound, ValidationError
from ..params import as_bool, as_int, names_list, optional_str

# CKAN's own defaults (ckan.group_and_organization_list_max / _all_fields_max).
LIST_MAX = 1000
LIST_ALL_FIELDS_MAX = 25
# Datasets listed by organization_show / group_show with include_datasets.
SHOWN_DATASETS = 100
# The CKAN release whose Action API this one follows; clients read it to pick features.
CKAN_VERSION = "2.10.4"


def status_show(ctx: Context, data: dict) -> dict:
    """Site information: the CKAN version emulated and the extensions (datastore)."""
    return {
        "site_title": "DataSud",
        "site_description": _("La plateforme régionale des données ouvertes de la Région Sud "
                              "Provence-Alpes-Côte d'Azur."),
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "fr",
        "extensions": ["datastore"],
    }


def site_read(ctx: Context, data: dict) -> bool:
    """Whether the catalogue may be read: always, it is open data."""
    return True


def package_list(ctx: Context, data: dict) -> list[str]:
    """Names of the public datasets, by name (`limit`, `offset`)."""
    limit = as_int(data, "limit", LIST_MAX * 100, minimum=0)
    offset = as_int(data, "offset", 0)
    names = Dataset.objects.public().order_by("slug").values_list("slug", flat=True)
    return list(names[offset:offset + limit])


def package_show(ctx: Context, data: dict) -> dict:
    """One dataset, by `id` or name, with its resources, tags, groups and extras."""
    return dictize.package_dict(ctx, lookups.dataset(ctx, data.get("id")))


def resource_show(ctx: Context, data: dict) -> dict:
    """One resource, by `id`."""
    resource = lookups.resource(ctx, data.get("id"))
    loaded = dictize.loaded_resource_ids([resource.pk])
    return dictize.resource_dict(ctx, resource, resource.pk in loaded)


def _counted(ctx: Context) -> tuple[dict[int, int], dict[int, int]]:
    """Datasets per organisation and per theme, as the user's search counts them (those
    they may see, not archived)."""
    visible = Dataset.objects.visible_to(ctx.user).active()
    by_org = dict(visible.order_by().values_list("organisation_id")
                  .annotate(n=Count("id")).values_list("organisation_id", "n"))
    links = Dataset.themes.through.objects.filter(dataset__in=visible)
    by_theme = dict(links.order_by().values_list("theme_id").annotate(n=Count("dataset_id"))
                    .values_list("theme_id", "n"))
    return by_org, by_theme


_LIST_SORTS = {"name": "slug", "title": "title", "package_count": "package_count"}


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    parts = sort.strip().split()
    if not parts or len(parts) > 2 or parts[0] not in _LIST_SORTS or (
            len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
        raise ValidationError.on("sort", _("Tri inconnu « %(s)s » : name, title ou "
                                           "package_count, suivi de asc ou desc.")
                                 % {"s": sort})
    key = {"slug": "name", "title": "title", "package_count": "package_count"}[
        _LIST_SORTS[parts[0]]]
    descending = len(parts) == 2 and parts[1].lower() == "desc"
    if key == "package_count":
        return sorted(rows, key=lambda r: (r[key], r["name"]), reverse=descending)
    return sorted(rows, key=lambda r: str(r[key]).lower(), reverse=descending)


def _group_list(ctx: Context, data: dict, rows: list[dict], wanted_key: str) -> list:
    all_fields = as_bool(data, "all_fields", False)
    limit = as_int(data, "limit", LIST_ALL_FIELDS_MAX if all_fields else LIST_MAX,
                   maximum=LIST_ALL_FIELDS_MAX if all_fields else LIST_MAX)
    offset = as_int(data, "offset", 0)
    wanted = set(names_list(data, wanted_key))
    if wanted:
        rows = [r for r in rows if r["name"] in wanted]
    sort = optional_str(data, "sort") or optional_str(data, "order_by") or "title asc"
    if sort == "packages":  # CKAN's deprecated order_by value
        sort = "package_count desc"
    rows = _sorted(rows, sort)[offset:offset + limit]
    if not all_fields:
        return [r["name"] for r in rows]
    if not as_bool(data, "include_dataset_count", True):
        for row in rows:
            row.pop("package_count", None)
    return rows


def organization_list(ctx: Context, data: dict) -> list:
    """Organisation names, or dictionaries with `all_fields` (sort, limit, offset)."""
    by_org, _ = _counted(ctx)
    rows = [dictize.organization_dict(ctx, o, by_org.get(o.pk, 0))
            for o in Organisation.objects.all()]
    return _group_list(ctx, data, rows, "organizations")


def group_list(ctx: Context, data: dict) -> list:
    """The themes as CKAN groups: names, or dictionaries with `all_fields`."""
    _, by_theme = _counted(ctx)
    rows = [dictize.group_dict(ctx, t, by_theme.get(t.pk, 0)) for t in Theme.objects.all()]
    return _group_list(ctx, data, rows, "groups")


def _datasets_of(ctx: Context, **filters) -> list[dict]:
    result = search_datasets(ctx.user, SearchQuery(page_size=SHOWN_DATASETS, sort="-modified",
                                                   **filters), facet_limit=0)
    loaded = dictize.with_related(Dataset.objects.filter(pk__in=[d.pk for d in
                                                                 result.datasets]))
    by_pk = {d.pk: d for d in loaded}
    return dictize.package_dicts(ctx, [by_pk[d.pk] for d in result.datasets if d.pk in by_pk])


def organization_show(ctx: Context, data: dict) -> dict:
    """One organisation by `id` or name; its datasets with `include_datasets`."""
    organisation = lookups.organisation(data.get("id"))
    by_org, _ = _counted(ctx)
    result = dictize.organization_dict(ctx, organisation, by_org.get(organisation.pk, 0))
    territory = organisation.territory
    facts = {
        "acronym": organisation.acronym,
        "organisation_type": organisation.type,
        "siren": organisation.siren,
        "website": organisation.website,
        "territory": territory.key if territory else "",
        "partner": "true" if organisation.is_partner else "false",
        "datasud_page": ctx.absolute(organisation.get_absolute_url()),
    }
    result.update(extras=[{"key": k, "value": v} for k, v in sorted(facts.items()) if v],
                  tags=[], groups=[], users=[])
    if as_bool(data, "include_datasets", False):
        result["packages"] = _datasets_of(ctx, organisations=[organisation.slug])
    return result


def group_show(ctx: Context, data: dict) -> dict:
    """One theme as a CKAN group, by `id` or name; its datasets with `include_datasets`."""
    theme = lookups.theme(data.get("id"))
    _, by_theme = _counted(ctx)
    result = dictize.group_dict(ctx, theme, by_theme.get(theme.pk, 0))
    result.update(extras=[{"key": "iso_topic", "value": theme.iso_topic}]
                  if theme.iso_topic else [], tags=[], groups=[], users=[])
    if as_bool(data, "include_datasets", False):
        result["packages"] = _datasets_of(ctx, themes=[theme.slug])
    return result


def tag_list(ctx: Context, data: dict) -> list:
    """Tags of the datasets the user may see (`query` filters by substring)."""
    if data.get("vocabulary_id"):
        raise NotFound(_("vocabulaire « %(v)s » introuvable : DataSud n'a que des "
                         "mots-clés libres.") % {"v": data["vocabulary_id"]})
    visible = Dataset.objects.visible_to(ctx.user)
    tags = Tag.objects.filter(id__in=Dataset.tags.through.objects.filter(
        dataset__in=visible).values("tag_id")).order_by("name")
    query = optional_str(data, "query").strip()
    if query:
        tags = tags.filter(name__icontains=query)
    if as_bool(data, "all_fields", False):
        return [dictize.tag_dict(tag) for tag in tags]
    return list(tags.values_list("name", flat=True))


def license_list(ctx: Context, data: dict) -> list[dict]:
    """The licences producers may choose."""
    return [dictize.license_dict(licence) for licence in Licence.objects.all()]
