"""Finding catalogue rows from what CKAN clients send: an id (see `ids`) or a name (slug).

Datasets and resources are looked up among those the user may see
(`Dataset.objects.visible_to`): what is hidden answers "not found", like what does not exist.
"""
from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Organisation, Resource, Theme
from datasud.datastore import access

from . import ids
from .context import Context
from .errors import NotFound
from .params import missing


def _key(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return str(value).strip()


def dataset(ctx: Context, value, field: str = "id") -> Dataset:
    key = _key(value)
    if not key:
        raise missing(field)
    visible = Dataset.objects.visible_to(ctx.user)
    pk = ids.parse(ids.DATASET, key)
    found = (visible.filter(pk=pk) if pk is not None else visible.filter(slug=key)).first()
    if found is None:
        raise NotFound(_("jeu de données « %(id)s » introuvable.") % {"id": key})
    return found


def resource(ctx: Context, value, field: str = "id") -> Resource:
    key = _key(value)
    if not key:
        raise missing(field)
    pk = ids.parse(ids.RESOURCE, key)
    try:
        if pk is None:
            raise Http404
        return access.visible_resource(ctx.user, pk)
    except Http404:
        raise NotFound(_("ressource « %(id)s » introuvable.") % {"id": key}) from None


def organisation(value, field: str = "id") -> Organisation:
    """An organisation by id or name; organisations are public."""
    found = find_organisation(value)
    if found is None:
        key = _key(value)
        if not key:
            raise missing(field)
        raise NotFound(_("organisation « %(id)s » introuvable.") % {"id": key})
    return found


def find_organisation(value) -> Organisation | None:
    key = _key(value)
    if not key:
        return None
    pk = ids.parse(ids.ORGANISATION, key)
    queryset = Organisation.objects.all()
    return (queryset.filter(pk=pk) if pk is not None else queryset.filter(slug=key)).first()


def find_theme(value) -> Theme | None:
    key = _key(value)
    if not key:
        return None
    pk = ids.parse(ids.GROUP, key)
    return (Theme.objects.filter(pk=pk) if pk is not None else Theme.objects.filter(slug=key)
            ).first()


def theme(value, field: str = "id") -> Theme:
    found = find_theme(value)
    if found is None:
        key = _key(value)
        if not key:
            raise missing(field)
        raise NotFound(_("groupe (thème) « %(id)s » introuvable.") % {"id": key})
    return found
