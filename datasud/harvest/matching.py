"""From a `RemoteDataset` in the source's words to the catalogue's objects: licence,
update frequency, producer organisation, themes and territories.

The rules are the CSV importer's (`catalog/importers`): licences by title, identifier or
alternate title (folded), themes guessed from tags and title with the keyword table,
territories and organisation types from names. Added here: licences by URL, and the
frequency vocabularies of DCAT (EU authority table), ISO 19115 and French labels.
"""
from __future__ import annotations

from django.utils.text import slugify

from datasud.catalog.importers.export_format import FREQUENCIES, licence_index
from datasud.catalog.importers.places import (
    TerritoryNames,
    guess_organisation_type,
    type_from_territory,
)
from datasud.catalog.importers.text import fold
from datasud.catalog.importers.themes import default_matcher
from datasud.catalog.models import Dataset, Licence, Organisation, Theme
from datasud.catalog.organisations import create_organisation

from .backends import RecordError, RemoteDataset
from .models import HarvestSource

Frequency = Dataset.Frequency
# Every vocabulary folded (lower case, no accents, "_" and "-" as spaces) → our frequency.
EXTRA_FREQUENCIES = {
    # EU frequency authority table (DCAT-AP), the codes we do not share with data.gouv.fr.
    "annual 2": Frequency.SEMIANNUAL, "annual 3": Frequency.QUARTERLY,
    "monthly 2": Frequency.MONTHLY, "monthly 3": Frequency.MONTHLY,
    "weekly 2": Frequency.WEEKLY, "weekly 3": Frequency.WEEKLY,
    "daily 2": Frequency.CONTINUOUS, "cont": Frequency.CONTINUOUS,
    "update cont": Frequency.CONTINUOUS, "1min": Frequency.CONTINUOUS,
    "5min": Frequency.CONTINUOUS, "10min": Frequency.CONTINUOUS,
    "15min": Frequency.CONTINUOUS, "30min": Frequency.CONTINUOUS,
    "bihourly": Frequency.CONTINUOUS, "trihourly": Frequency.CONTINUOUS,
    "12hrs": Frequency.CONTINUOUS, "irreg": Frequency.IRREGULAR,
    "as needed": Frequency.IRREGULAR, "not planned": Frequency.IRREGULAR,
    "op datpro": Frequency.UNKNOWN, "bidecennial": Frequency.BIENNIAL,
    "tridecennial": Frequency.BIENNIAL,
    # ISO 19115 MD_MaintenanceFrequencyCode.
    "continual": Frequency.CONTINUOUS, "fortnightly": Frequency.WEEKLY,
    "biannually": Frequency.SEMIANNUAL, "annually": Frequency.ANNUAL,
    "asneeded": Frequency.IRREGULAR, "notplanned": Frequency.IRREGULAR,
    # French labels (OpenDataSoft portals, French CKAN).
    "annuel": Frequency.ANNUAL, "annuelle": Frequency.ANNUAL,
    "mensuel": Frequency.MONTHLY, "mensuelle": Frequency.MONTHLY,
    "quotidien": Frequency.DAILY, "quotidienne": Frequency.DAILY,
    "journalier": Frequency.DAILY, "journaliere": Frequency.DAILY,
    "hebdomadaire": Frequency.WEEKLY, "trimestriel": Frequency.QUARTERLY,
    "trimestrielle": Frequency.QUARTERLY, "semestriel": Frequency.SEMIANNUAL,
    "semestrielle": Frequency.SEMIANNUAL, "ponctuel": Frequency.PUNCTUAL,
    "ponctuelle": Frequency.PUNCTUAL, "irregulier": Frequency.IRREGULAR,
    "irreguliere": Frequency.IRREGULAR, "en continu": Frequency.CONTINUOUS,
    "temps reel": Frequency.CONTINUOUS, "inconnue": Frequency.UNKNOWN,
    "tous les deux ans": Frequency.BIENNIAL, "biennale": Frequency.BIENNIAL,
}
FOLDED_FREQUENCIES = {fold(k): v for k, v in FREQUENCIES.items()} | {
    fold(k): v for k, v in EXTRA_FREQUENCIES.items()}
# Without these, an ISO camelCase code folds the same as its data.gouv.fr twin.
FOLDED_FREQUENCIES.update({"notplanned": Frequency.IRREGULAR, "asneeded": Frequency.IRREGULAR})


def match_frequency(text: str) -> str | None:
    """Our frequency for `text` (a code, a label or a URI ending in a code); None when the
    text says something we cannot read, '' → unknown."""
    text = (text or "").strip().rstrip("/")
    if not text:
        return Frequency.UNKNOWN
    code = text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    for candidate in (code, text):
        found = FREQUENCIES.get(candidate) or FOLDED_FREQUENCIES.get(fold(candidate))
        if found is not None:
            return found
    return None


def _url_key(url: str) -> str:
    return url.strip().lower().split("://", 1)[-1].rstrip("/")


class CatalogueMatcher:
    """Matching for one job: reference tables are read once, organisations cached."""

    def __init__(self, source: HarvestSource, actor):
        self.source = source
        self.actor = actor
        self.licences = licence_index()
        self.licences_by_url = {_url_key(lic.url): lic for lic in Licence.objects.exclude(url="")}
        self.theme_by_slug = {t.slug: t for t in Theme.objects.all()}
        self.theme_matcher = default_matcher()
        self.places = TerritoryNames()
        self.organisations: dict[tuple[str, str], Organisation] = {}

    def licence(self, remote: RemoteDataset, notes: list[str]) -> Licence | None:
        for url in (remote.licence_url, remote.licence):
            if url.startswith(("http://", "https://")):
                found = self.licences_by_url.get(_url_key(url))
                if found is not None:
                    return found
        if remote.licence:
            name = remote.licence.rstrip("/").rsplit("/", 1)[-1] if remote.licence.startswith(
                ("http://", "https://")) else remote.licence
            found = self.licences.get(fold(name)) or self.licences.get(fold(remote.licence))
            if found is not None:
                return found
            notes.append(f"licence inconnue : « {remote.licence[:100]} »")
        return None

    def frequency(self, remote: RemoteDataset, notes: list[str]) -> str:
        found = match_frequency(remote.frequency)
        if found is None:
            notes.append(f"fréquence inconnue : « {remote.frequency[:100]} »")
            return Frequency.UNKNOWN
        return found

    def themes(self, remote: RemoteDataset) -> list[Theme]:
        slugs = self.theme_matcher.match(remote.tags, remote.title)
        return [self.theme_by_slug[s] for s in sorted(slugs) if s in self.theme_by_slug]

    def territories(self, remote: RemoteDataset, organisation: Organisation) -> list:
        found = self.places.zones(",".join(z.replace(",", " ") for z in remote.zones))
        if not found and organisation.territory_id:
            return [organisation.territory]
        return found

    def organisation(self, remote: RemoteDataset) -> Organisation:
        name = " ".join(remote.organisation.split())[:255]
        if not self.source.use_remote_organisation or not name:
            if self.source.organisation is None:
                raise RecordError("la source ne nomme pas de producteur et aucune organisation "
                                  "par défaut n'est choisie pour elle")
            return self.source.organisation
        key = (remote.organisation_id, name)
        if key not in self.organisations:
            self.organisations[key] = self._find_or_create(name, remote.organisation_id[:100])
        return self.organisations[key]

    def _find_or_create(self, name: str, remote_id: str) -> Organisation:
        if remote_id:
            found = Organisation.objects.filter(source_id=remote_id).first()
            if found is not None:
                return found
        slug = slugify(name)[:255].strip("-")
        found = (Organisation.objects.filter(slug=slug).first() if slug else None) or \
            Organisation.objects.filter(name__iexact=name).first()
        if found is not None:
            return found
        org_type = guess_organisation_type(name)
        territory = self.places.for_organisation(name, org_type)
        if territory is not None and org_type == Organisation.Type.AUTRE:
            org_type = type_from_territory(territory)
        return create_organisation(self.actor, name=name, type=org_type, territory=territory,
                                   source_id=remote_id)
