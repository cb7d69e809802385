"""Publication of the employment referentials in the catalogue and the datastore.

Each shipped file becomes a resource of a published dataset of its real producer
(France Travail, DARES, European Commission), loaded into the datastore by the platform's
own pipeline. The engine then reads the current Parquet version of each resource, so a new
edition of a referential is a new resource version, not a code change.
"""
from __future__ import annotations

import gzip
from collections.abc import Callable

from django.contrib.auth import get_user_model

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Theme
from datasud.catalog.organisations import create_organisation
from datasud.datastore import services as datastore
from datasud.datastore.errors import LoadFailed

from .referentials import DATA, DATASETS, Producer, ReferentialDataset, ReferentialFile

THEME_SLUG = "formation-education-et-emploi"
SERVICE_ACCOUNT = "datasud-emploi"
LOAD_TIMEOUT = 600  # seconds


class ReferentialError(Exception):
    """The referentials cannot be published (missing reference data, failed load...)."""


def shipped_content(item: ReferentialFile) -> bytes:
    return gzip.decompress((DATA / item.file).read_bytes())


def service_account():
    """The staff account in whose name the referentials are published (history shows it)."""
    user, created = get_user_model().objects.get_or_create(
        username=SERVICE_ACCOUNT, defaults={"is_staff": True,
                                            "first_name": "Référentiels emploi"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _organisation(user, producer: Producer) -> Organisation:
    found = Organisation.objects.filter(slug=producer.slug).first()
    if found is not None:
        return found
    return create_organisation(user, name=producer.name, slug=producer.slug,
                               acronym=producer.acronym, type=producer.type,
                               website=producer.website)


def _dataset(user, spec: ReferentialDataset, theme: Theme) -> Dataset:
    found = Dataset.objects.filter(slug=spec.slug).first()
    licence = Licence.objects.filter(slug=spec.licence).first()
    if found is None:
        return catalog.create_dataset(
            user, _organisation(user, spec.producer), title=spec.title, slug=spec.slug,
            description=spec.description, themes=[theme], licence=licence,
            status=Dataset.Status.PUBLISHED, tags=["emploi", "métiers", "ROME"])
    return catalog.update_dataset(user, found, title=spec.title, description=spec.description,
                                  licence=licence, force=True)


def _resource(user, dataset: Dataset, item: ReferentialFile) -> tuple[Resource, str]:
    return catalog.put_generated_file(user, dataset, item.name, item.name,
                                      shipped_content(item), description=item.description)


def _ensure_loaded(resource: Resource, user) -> str:
    """The resource's tables served before the command ends, as "N lignes"."""
    try:
        tables = datastore.load_now(resource, user, LOAD_TIMEOUT)
    except LoadFailed as exc:
        raise ReferentialError(str(exc)) from exc
    return f"{sum(t.row_count for t in tables)} lignes"


def publish_referentials(progress: Callable[[str], None] | None = None,
                         user=None) -> list[dict]:
    """Create or update the referential datasets and load each resource into the datastore.

    Idempotent: an unchanged file is neither re-uploaded nor re-loaded. Returns one line of
    report per file: dataset, resource, what happened to the file and to its table."""
    theme = Theme.objects.filter(slug=THEME_SLUG).first()
    if theme is None:
        raise ReferentialError("Le thème « Formation, éducation et emploi » est absent : "
                               "lancez d'abord `datasud load_reference`.")
    user = user or service_account()
    report = []
    for spec in DATASETS:
        dataset = _dataset(user, spec, theme)
        for item in spec.files:
            resource, state = _resource(user, dataset, item)
            table = _ensure_loaded(resource, user)
            report.append({"dataset": dataset.slug, "resource": item.name, "file": state,
                           "table": table})
            if progress:
                progress(f"{item.name} : {state}, {table}")
    return report
