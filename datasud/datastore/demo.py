"""Demo content of the datastore: a few real public files, published and loaded.

Each demo dataset is published by the Région's organisation (the one the catalogue demo
recognises by its territory), with one uploaded resource read from `data/`. Loads run
synchronously here (`services.run_load`), not through the queue: `make run` should open on
a platform whose tables are ready.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Theme
from datasud.search import indexing
from datasud.territories.models import Territory

from . import services
from .models import DeclaredSchema

DATA = Path(__file__).resolve().parent / "data"
# The national schema of digital-mediation places belongs to the Sud Labs programme.
SCHEMAS = Path(__file__).resolve().parents[1] / "programmes" / "data"


@dataclass(frozen=True)
class DemoFile:
    slug: str
    title: str
    description: str
    file: str
    name: str  # the uploaded file's name
    themes: tuple[str, ...] = ()
    schema: str = ""


DEMO_FILES = [
    DemoFile(
        slug="demo-espaces-france-services-paca-2024",
        title="Espaces France Services en Provence-Alpes-Côte d'Azur (2024)",
        description="Les espaces France Services de la région : adresse, commune, "
                    "coordonnées, horaires d'ouverture.\n\n*Copie de démonstration* des "
                    "données de l'ANCT (août 2024, Licence Ouverte 2.0), chargée dans "
                    "l'entrepôt de données pour la prévisualiser, l'interroger et l'exporter.",
        file="france-services-paca-2024.csv", name="france-services-paca-2024.csv",
        themes=("administration-et-action-publique", "social-sante-et-sports")),
    DemoFile(
        slug="demo-sites-mobiles-arcep-2018",
        title="Sites de téléphonie mobile (ARCEP, janvier 2018)",
        description="Les quelque 77 000 sites mobiles de France métropolitaine avec leurs "
                    "technologies (2G, 3G, 4G) et leurs coordonnées en Lambert-93.\n\n"
                    "*Copie de démonstration* des données de l'ARCEP (Licence Ouverte).",
        file="arcep-sites-mobiles-2018-01-L93.csv.gz", name="sites-mobiles-2018-01.csv",
        themes=("energies-et-reseaux",)),
    DemoFile(
        slug="demo-lieux-mediation-numerique-exemple",
        title="Lieux de médiation numérique : exemple au standard national",
        description="Le fichier d'exemple du Standard de données de la médiation numérique "
                    "(schema.data.gouv.fr, Licence Ouverte 2.0), avec son schéma déclaré : "
                    "le rapport de validation est affiché sur la page de la ressource.\n\n"
                    "*Données de démonstration.*",
        file="standard-mediation-num.exemple-valide.csv",
        name="lieux-mediation-numerique.csv", themes=("social-sante-et-sports",),
        schema="standard-mediation-num.schema.json"),
]


def region_organisation() -> Organisation:
    organisation = Organisation.objects.filter(territory__level=Territory.Level.REGION).first()
    if organisation is None:
        organisation, _ = Organisation.objects.get_or_create(
            slug="region-sud", defaults={"name": "Région Provence-Alpes-Côte d'Azur",
                                         "type": Organisation.Type.CONSEIL_REGIONAL})
    return organisation


def _content(demo: DemoFile) -> bytes:
    raw = (DATA / demo.file).read_bytes()
    return gzip.decompress(raw) if demo.file.endswith(".gz") else raw


def publish(demo: DemoFile, organisation: Organisation) -> Resource:
    """Create (or find) the demo dataset and its uploaded resource; no load is queued."""
    with transaction.atomic():
        dataset, _ = Dataset.objects.get_or_create(slug=demo.slug, defaults={
            "title": demo.title, "description": demo.description,
            "organisation": organisation, "status": Dataset.Status.PUBLISHED,
            "licence": Licence.objects.filter(slug="lov2").first()})
        dataset.themes.add(*Theme.objects.filter(slug__in=demo.themes))
        resource = dataset.resources.filter(title=demo.name).first()
        if resource is None:
            content = _content(demo)
            resource = Resource(dataset=dataset, kind=Resource.Kind.FILE, title=demo.name,
                                format="csv", media_type="text/csv", size=len(content),
                                checksum=hashlib.sha256(content).hexdigest())
            resource.file.save(demo.name, ContentFile(content), save=False)
            # bulk_create: no signal, so that nothing is queued; loaded just below.
            Resource.objects.bulk_create([resource])
            resource = dataset.resources.get(title=demo.name)
        indexing.schedule_reindex([dataset.pk])
        if demo.schema:
            DeclaredSchema.objects.get_or_create(resource=resource, defaults={
                "descriptor": json.loads((SCHEMAS / demo.schema).read_text(encoding="utf-8"))})
    return resource


def load_datastore_demo(progress: Callable[[str], None] | None = None) -> list[dict]:
    """Publish and load every demo file; returns one summary per file."""
    organisation = region_organisation()
    summaries = []
    for demo in DEMO_FILES:
        resource = publish(demo, organisation)
        if services.current_load(resource) is not None:
            summaries.append({"resource": resource.pk, "status": "already loaded"})
            continue
        if progress:
            progress(demo.title)
        load = services.new_load(resource)
        summaries.append({"title": demo.title, **services.run_load(load.pk)})
    return summaries
