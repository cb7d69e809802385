"""Each programme's aggregated indicators, published as a dataset of the catalogue.

The dataset "Indicateurs du programme <nom>" (organisation: the programme's publisher, else
the Région) holds one CSV resource, `indicateurs.csv`: programme, indicateur, libelle,
periode, valeur, calcule_le. The datastore loads it like any other CSV, so the figures are
in the datastore, the API v1, the CKAN API and DCAT. Only counts: no personal data.

Refresh: a change to a programme's records calls `schedule` (signals.py); on commit, one
task per programme is queued (a flag in `PublicationState` stops a second one while the
first waits), deferred by `DEBOUNCE` where the backend can defer, so that a burst of
changes gives one new version. An unchanged file is not re-uploaded.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Licence, Organisation, Resource
from datasud.catalog.organisations import create_organisation

from .indicators import programme_indicators
from .models import Programme, PublicationState

SERVICE_ACCOUNT = "datasud-programmes"
RESOURCE_NAME = "indicateurs.csv"
COLUMNS = ["programme", "indicateur", "libelle", "periode", "valeur", "calcule_le"]
DEBOUNCE = dt.timedelta(seconds=30)
STALE = dt.timedelta(hours=1)
LICENCE_SLUGS = ["lov2", "etalab-2.0", "licence-ouverte-2-0"]


def service_account():
    """The staff account in whose name indicators are published (the history shows it)."""
    user, created = get_user_model().objects.get_or_create(
        username=SERVICE_ACCOUNT, defaults={"is_staff": True, "is_active": False,
                                            "first_name": "Indicateurs des programmes"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def dataset_slug(programme: Programme) -> str:
    return f"indicateurs-programme-{programme.slug}"[:250]


def indicators_csv(programme: Programme) -> bytes:
    """The published file: one line per indicator and period, computed now."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    # The date only (not the time): an unchanged day's figures give the same bytes.
    computed = timezone.localdate().isoformat()
    for indicator in programme_indicators(programme):
        writer.writerow([programme.slug, indicator.key, indicator.label, indicator.period,
                         indicator.value, computed])
    return buffer.getvalue().encode("utf-8")


def _publisher(user, programme: Programme) -> Organisation:
    if programme.publisher is not None:
        return programme.publisher
    region = Organisation.objects.filter(
        type=Organisation.Type.CONSEIL_REGIONAL).order_by("pk").first()
    return region or create_organisation(user, name="Région Sud", slug="region-sud",
                                         type=Organisation.Type.CONSEIL_REGIONAL)


def _description(programme: Programme) -> str:
    demo = ("\n\n**Données de démonstration** : les enregistrements de ce programme sur "
            "cette plateforme sont fictifs ou des lieux d'exemple." if programme.is_demo else "")
    return (f"Les chiffres clés du programme régional « {programme.name} », calculés "
            "automatiquement à partir de ses candidatures, de leur instruction et des "
            "rapports d'activité, mis à jour à chaque changement. Uniquement des décomptes "
            "(aucune donnée personnelle).\n\nColonnes : `programme`, `indicateur` (nom "
            "stable), `libelle`, `periode` (vide : depuis le début ; sinon l'année), "
            f"`valeur`, `calcule_le`.{demo}")


def _dataset(user, programme: Programme) -> Dataset:
    found = Dataset.objects.filter(slug=dataset_slug(programme)).first()
    if found is not None:
        return found
    licence = Licence.objects.filter(slug__in=LICENCE_SLUGS).first()
    return catalog.create_dataset(
        user, _publisher(user, programme), title=f"Indicateurs du programme {programme.name}",
        slug=dataset_slug(programme), description=_description(programme), licence=licence,
        status=Dataset.Status.PUBLISHED, frequency=Dataset.Frequency.CONTINUOUS,
        tags=["programme régional", "indicateurs", programme.slug])


def publish(programme: Programme, user=None) -> tuple[Resource, str]:
    """Create or update the indicators dataset of `programme`; returns its resource and what
    happened to the file ("ajoutée", "nouvelle version", "inchangée")."""
    user = user or service_account()
    content = indicators_csv(programme)
    checksum = hashlib.sha256(content).hexdigest()
    dataset = _dataset(user, programme)
    resource, state = catalog.put_generated_file(
        user, dataset, RESOURCE_NAME, RESOURCE_NAME, content,
        description="Indicateurs agrégés, un par ligne et par période.")
    PublicationState.objects.update_or_create(
        programme=programme, defaults={"published_at": timezone.now(), "checksum": checksum})
    return resource, state


def schedule(programme_id: int) -> None:
    """Ask for a refresh of the programme's dataset once the current transaction commits."""
    transaction.on_commit(lambda: _queue(programme_id))


def _queue(programme_id: int) -> None:
    from django_tasks import default_task_backend

    from .tasks import refresh_publication

    now = timezone.now()
    state, _created = PublicationState.objects.get_or_create(programme_id=programme_id)
    # Atomic test-and-set: of several changes in a burst, one queues the task. A flag
    # older than STALE (its task lost with a wiped queue) does not block refreshes forever.
    free = Q(queued=False) | Q(dirty_since__lt=now - STALE) | Q(dirty_since=None)
    if not PublicationState.objects.filter(free, pk=state.pk).update(queued=True,
                                                                     dirty_since=now):
        return
    task = refresh_publication
    if default_task_backend.supports_defer:
        task = task.using(run_after=now + DEBOUNCE)
    task.enqueue(programme_id)


def refresh(programme_id: int) -> dict:
    """The queued task: clear the flag first (a change made while publishing queues a new
    refresh), then publish."""
    PublicationState.objects.filter(programme_id=programme_id).update(queued=False)
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return {"programme": programme_id, "file": "programme supprimé"}
    resource, state = publish(programme)
    return {"programme": programme.slug, "resource": resource.pk, "file": state}
