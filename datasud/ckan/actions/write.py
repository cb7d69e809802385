"""Write actions: package_create, package_update, package_patch, resource_create.

They need a personal API token (`Authorization: <token>` or `Bearer <token>`) and go
through the catalogue's services, which check permissions, keep the history and the search
index. Each action runs in one transaction: a validation error half-way through leaves the
catalogue as it was.
"""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from datasud.catalog import services
from datasud.catalog.api import territories_by_key
from datasud.catalog.models import Dataset, Licence, Organisation, Resource
from datasud.catalog.schemas import check_url
from datasud.catalog.services import CatalogError

from .. import dictize, ids, lookups
from ..context import Context
from ..errors import NotAuthorized, ValidationError
from ..params import as_bool, optional_str

# CKAN's rule for names: what may appear in the dataset's address.
NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
# CKAN fields DataSud has no place for: refused when filled rather than silently dropped.
UNSUPPORTED = ("author", "author_email", "version")
STATES = {"active": Dataset.Status.PUBLISHED, "draft": Dataset.Status.DRAFT}
# CKAN's "no licence chosen".
NO_LICENCE = {"", "notspecified"}
MAX_LENGTHS = {"title": 300, "maintainer": 200, "maintainer_email": 254}


class _Errors(dict):
    """Per-field messages gathered over a whole package, raised together like CKAN does."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def catch(self, function, *args):
        """`function(*args)`, or None with its ValidationError's messages gathered."""
        try:
            return function(*args)
        except ValidationError as exc:
            for field, messages in exc.errors.items():
                self.setdefault(field, []).extend(messages)
            return None

    def check(self) -> None:
        if self:
            raise ValidationError(dict(self))


def require_token(ctx: Context) -> None:
    if not ctx.by_token:
        raise NotAuthorized(_("envoyez un jeton d'API personnel dans l'en-tête "
                              "Authorization pour modifier le catalogue."))


def _check_editable(ctx: Context, dataset: Dataset) -> None:
    if not Dataset.objects.editable_by(ctx.user).filter(pk=dataset.pk).exists():
        raise NotAuthorized(_("vous ne pouvez pas modifier ce jeu de données."))


# --- Reading a package dictionary -----------------------------------------------------------

def _text(data: dict, key: str, errors: _Errors) -> str:
    value = errors.catch(optional_str, data, key) or ""
    limit = MAX_LENGTHS.get(key)
    if limit and len(value) > limit:
        errors.add(key, _("%(n)s caractères au plus.") % {"n": limit})
    return value.strip()


def _licence(data: dict, errors: _Errors) -> Licence | None:
    slug = _text(data, "license_id", errors)
    if slug in NO_LICENCE:
        return None
    licence = Licence.objects.filter(slug=slug).first()
    if licence is None:
        known = ", ".join(Licence.objects.values_list("slug", flat=True))
        errors.add("license_id", _("Licence inconnue : %(l)s (licences : %(k)s).")
                   % {"l": slug, "k": known})
    return licence


def _tags(data: dict, errors: _Errors) -> list[str]:
    names = []
    if data.get("tag_string") not in (None, ""):
        text = errors.catch(optional_str, data, "tag_string") or ""
        names += [part.strip() for part in text.split(",") if part.strip()]
    value = data.get("tags") or []
    if not isinstance(value, list):
        errors.add("tags", _("Une liste de mots-clés est attendue."))
        return names
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            errors.add("tags", _("Chaque mot-clé a un nom (name)."))
        elif len(name) > 100:
            errors.add("tags", _("Mot-clé trop long (100 caractères au plus) : %(t)s…")
                       % {"t": name[:30]})
        else:
            names.append(name)
    return names


def _themes(data: dict, errors: _Errors) -> list:
    value = data.get("groups") or []
    if not isinstance(value, list):
        errors.add("groups", _("Une liste de groupes est attendue."))
        return []
    themes = []
    for item in value:
        key = (item.get("name") or item.get("id")) if isinstance(item, dict) else item
        theme = lookups.find_theme(key) if isinstance(key, str) else None
        if theme is None:
            errors.add("groups", _("Groupe (thème) inconnu : %(g)s.") % {"g": key})
        elif theme not in themes:
            themes.append(theme)
    return themes


def _date(key: str, value, errors: _Errors) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors.add(key, _("Date attendue au format AAAA-MM-JJ : %(v)s.") % {"v": value})
        return None


def _extras(data: dict, errors: _Errors) -> dict:
    """Our fields from CKAN `extras` (all of them: left-out ones take their default)."""
    value = data.get("extras") or []
    given: dict = {}
    if not isinstance(value, list) or not all(isinstance(i, dict) and "key" in i
                                              for i in value):
        errors.add("extras", _("Une liste d'objets {key, value} est attendue."))
        value = []
    for item in value:
        if not item.get("deleted"):
            given[str(item["key"])] = item.get("value")
    unknown = sorted(set(given) - set(dictize.WRITABLE_EXTRAS)
                     - set(dictize.READ_ONLY_EXTRAS))
    if unknown:
        errors.add("extras", _("Clés non prises en charge : %(u)s (clés possibles : %(k)s).")
                   % {"u": ", ".join(unknown), "k": ", ".join(dictize.WRITABLE_EXTRAS)})
    frequency = given.get("frequency") or Dataset.Frequency.UNKNOWN
    if frequency not in Dataset.Frequency.values:
        errors.add("frequency", _("Fréquence inconnue : %(f)s (valeurs : %(k)s).")
                   % {"f": frequency, "k": ", ".join(Dataset.Frequency.values)})
    fields = {"frequency": frequency,
              "temporal_start": _date("temporal_start", given.get("temporal_start"), errors),
              "temporal_end": _date("temporal_end", given.get("temporal_end"), errors),
              "territories": []}
    keys = [k.strip() for k in str(given.get("territories") or "").split(",") if k.strip()]
    try:
        fields["territories"] = territories_by_key(keys)
    except CatalogError as exc:
        errors.add("territories", str(exc))
    return fields


def _dataset_fields(data: dict, errors: _Errors, *, partial: bool) -> dict:
    """The services' keyword arguments from a package dictionary.

    With `partial` (package_patch), only the keys given change. Otherwise (package_create,
    package_update) CKAN's rule holds: a key left out takes its default (no tags, no
    licence...), except the title, state and organisation, which are kept.
    """
    def wanted(*keys: str) -> bool:
        return any(key in data for key in keys) or not partial

    fields: dict = {}
    title = _text(data, "title", errors) if "title" in data else ""
    if title:
        fields["title"] = title
    if wanted("notes"):
        fields["description"] = errors.catch(optional_str, data, "notes") or ""
    if wanted("private"):
        fields["private"] = bool(errors.catch(as_bool, data, "private", False))
    if "state" in data:
        state = data.get("state") or "active"
        if state not in STATES:
            errors.add("state", _("État inconnu : %(s)s (active ou draft).") % {"s": state})
        else:
            fields["status"] = STATES[state]
    if wanted("license_id"):
        fields["licence"] = _licence(data, errors)
    if wanted("maintainer"):
        fields["contact_name"] = _text(data, "maintainer", errors)
    if wanted("maintainer_email"):
        email = _text(data, "maintainer_email", errors)
        try:
            if email:
                validate_email(email)
        except DjangoValidationError:
            errors.add("maintainer_email", _("Adresse électronique invalide."))
        fields["contact_email"] = email
    if wanted("tags", "tag_string"):
        fields["tags"] = _tags(data, errors)
    if wanted("groups"):
        fields["themes"] = _themes(data, errors)
    if wanted("extras"):
        fields.update(_extras(data, errors))
    for key in UNSUPPORTED:
        if data.get(key) not in (None, ""):
            errors.add(key, _("DataSud n'a pas ce champ ; le point de contact se donne dans "
                              "maintainer et maintainer_email."))
    return fields


def _owner(ctx: Context, data: dict, errors: _Errors, required: bool) -> Organisation | None:
    key = data.get("owner_org")
    if key in (None, ""):
        if required:
            errors.add("owner_org", _("Valeur manquante : l'organisation productrice (id ou "
                                      "name)."))
        return None
    organisation = lookups.find_organisation(key)
    if organisation is None:
        errors.add("owner_org", _("Organisation inconnue : %(o)s.") % {"o": key})
    elif not Organisation.objects.publishable_by(ctx.user).filter(pk=organisation.pk).exists():
        raise NotAuthorized(_("vous n'êtes pas membre de l'organisation %(o)s.")
                            % {"o": organisation.slug})
    return organisation


# --- Resources ----------------------------------------------------------------------------

def _resource_text(item: dict, key: str, limit: int) -> str:
    value = optional_str(item, key)
    if len(value) > limit:
        raise ValidationError.on(key, _("%(n)s caractères au plus.") % {"n": limit})
    return value.strip()


def _checked_url(item: dict) -> str:
    url = _resource_text(item, "url", 1000)
    if not url:
        raise ValidationError.on("url", _("Donnez l'adresse (url) de la ressource ou "
                                          "déposez un fichier (upload)."))
    try:
        return check_url(url)
    except ValueError as exc:
        raise ValidationError.on("url", str(exc)) from None


def create_resource(ctx: Context, dataset: Dataset, item: dict, upload=None) -> Resource:
    """A new resource from a CKAN resource dictionary: a remote `url`, or an `upload`."""
    if not isinstance(item, dict):
        raise ValidationError.on("resources", _("Chaque ressource est un objet."))
    return services.add_resource(
        ctx.user, dataset, title=_resource_text(item, "name", 300),
        description=optional_str(item, "description"),
        url="" if upload is not None else _checked_url(item), upload=upload,
        format=_resource_text(item, "format", 40).lower())


def _update_resource(ctx: Context, resource: Resource, item: dict) -> None:
    fields = {}
    if "name" in item and _resource_text(item, "name", 300):
        fields["title"] = _resource_text(item, "name", 300)
    if "description" in item:
        fields["description"] = optional_str(item, "description")
    if "format" in item:
        fields["format"] = _resource_text(item, "format", 40).lower()
    url = _resource_text(item, "url", 1000) if "url" in item else ""
    if resource.kind == Resource.Kind.URL and url and url != resource.url:
        fields["url"] = _checked_url(item)
    elif resource.kind == Resource.Kind.FILE and url and url not in (
            resource.download_url, ctx.absolute(resource.download_url)):
        raise ValidationError.on("url", _("L'adresse d'un fichier déposé ne se change pas ; "
                                          "déposez un nouveau fichier."))
    services.update_resource(ctx.user, resource, **fields)


def _sync_resources(ctx: Context, dataset: Dataset, items) -> None:
    """CKAN's package_update: listed resources are updated (by id) or added, the others
    deleted."""
    if not isinstance(items, list):
        raise ValidationError.on("resources", _("Une liste de ressources est attendue."))
    existing = {r.pk: r for r in dataset.resources.all()}
    kept: set[int] = set()
    for item in items:
        pk = ids.parse(ids.RESOURCE, item.get("id")) if isinstance(item, dict) else None
        if pk in existing and pk not in kept:
            kept.add(pk)
            existing[pk].dataset = dataset
            _update_resource(ctx, existing[pk], item)
        else:
            create_resource(ctx, dataset, item)
    for pk, resource in existing.items():
        if pk not in kept:
            resource.dataset = dataset
            services.delete_resource(ctx.user, resource)


# --- Actions ------------------------------------------------------------------------------

def package_create(ctx: Context, data: dict) -> dict:
    """Create a dataset: `name` and `owner_org` required; title, notes, private, state
    (active: published, the default; draft), license_id, tags, groups, maintainer,
    maintainer_email, url, extras (frequency, temporal_start, temporal_end, territories)
    and resources (remote addresses)."""
    require_token(ctx)
    errors = _Errors()
    organisation = _owner(ctx, data, errors, required=True)
    name = data.get("name")
    if name in (None, ""):
        errors.add("name", _("Valeur manquante"))
    elif not isinstance(name, str) or not NAME.match(name):
        errors.add("name", _("De 2 à 100 caractères : minuscules non accentuées, chiffres, "
                             "- et _."))
    elif Dataset.objects.filter(slug=name).exists():
        errors.add("name", _("Cette adresse (name) est déjà utilisée."))
    fields = _dataset_fields(data, errors, partial=False)
    fields.setdefault("status", Dataset.Status.PUBLISHED)
    source_url = _text(data, "url", errors)
    if source_url:
        try:
            check_url(source_url)
        except ValueError as exc:
            errors.add("url", str(exc))
    resources = data.get("resources") or []
    if not isinstance(resources, list):
        errors.add("resources", _("Une liste de ressources est attendue."))
    errors.check()
    fields.setdefault("title", name)
    with transaction.atomic():
        dataset = services.create_dataset(ctx.user, organisation, slug=name,
                                          source_url=source_url[:500], **fields)
        if dataset.slug != name:  # taken in the meantime by a concurrent request
            raise ValidationError.on("name", _("Cette adresse (name) est déjà utilisée."))
        for item in resources:
            create_resource(ctx, dataset, item)
    return dictize.package_dict(ctx, dataset)


def _update(ctx: Context, data: dict, partial: bool) -> dict:
    require_token(ctx)
    dataset = lookups.dataset(ctx, data.get("id") or data.get("name"))
    _check_editable(ctx, dataset)
    errors = _Errors()
    if data.get("name") not in (None, "", dataset.slug) and data.get("id"):
        errors.add("name", _("Le nom (adresse) d'un jeu de données ne se change pas."))
    if data.get("url") not in (None, dataset.source_url):
        errors.add("url", _("La page d'origine (url) ne se change pas par l'API."))
    organisation = _owner(ctx, data, errors, required=False)
    fields = _dataset_fields(data, errors, partial=partial)
    if organisation is not None and organisation.pk != dataset.organisation_id:
        fields["organisation"] = organisation
    # A harvested dataset: the DataSud team confirms a change with force=true, as in the
    # API v1 (services.check_not_harvested); producers are refused whatever they send.
    force = errors.catch(as_bool, data, "force") or False
    errors.check()
    with transaction.atomic():
        services.update_dataset(ctx.user, dataset, force=force, **fields)
        if "resources" in data:
            _sync_resources(ctx, dataset, data["resources"])
    return dictize.package_dict(ctx, dataset)


def package_update(ctx: Context, data: dict) -> dict:
    """Replace a dataset's metadata (`id` or name), as CKAN does: fields left out take
    their default; `resources`, when given, is the new list (matched by id)."""
    return _update(ctx, data, partial=False)


def package_patch(ctx: Context, data: dict) -> dict:
    """Change only the fields given of a dataset (`id` or name). A harvested dataset is
    refused (409), except to the DataSud team confirming with `force: true`."""
    return _update(ctx, data, partial=True)


def resource_create(ctx: Context, data: dict) -> dict:
    """Add a resource to the dataset `package_id`: a remote `url`, or a file sent as the
    multipart field `upload`; name, description and format are optional."""
    require_token(ctx)
    dataset = lookups.dataset(ctx, data.get("package_id"), "package_id")
    _check_editable(ctx, dataset)
    upload = data.get("upload")
    if not hasattr(upload, "read"):
        upload = None
    with transaction.atomic():
        resource = create_resource(ctx, dataset, data, upload)
    return dictize.resource_dict(ctx, resource, False)


def resource_patch(ctx: Context, data: dict) -> dict:
    """Change the given fields of the resource `id`: name, description, format, and url
    for a remote resource (an uploaded file is replaced by a new resource)."""
    require_token(ctx)
    resource = lookups.resource(ctx, data.get("id"))
    _check_editable(ctx, resource.dataset)
    with transaction.atomic():
        _update_resource(ctx, resource, data)
    loaded = dictize.loaded_resource_ids([resource.pk])
    return dictize.resource_dict(ctx, resource, resource.pk in loaded)
