"""Recognising organisations and territories by their names, as other catalogues write them.

- `guess_organisation_type("Communauté d'agglomération du Grand Avignon")` →
  `"communaute-agglomeration"`, from the rules of `TYPE_RULES` (first match wins).
- `TerritoryNames` indexes the loaded territories by a normalised form of their name (lower
  case, no accents, no articles, no "CA"/"CC"/"Métropole" prefix, no "(COGA)" acronym), so
  "Ville de Marseille", "Grand Avignon" or "Département des Alpes de Haute-Provence" find
  their commune, EPCI or département. A name shared by two territories of the same level
  (La Garde in the 04 and in the 83) matches nothing rather than the wrong one.
"""
from __future__ import annotations

import re

from datasud.catalog.models import Organisation
from datasud.territories.models import Territory

from .text import fold

OrgType = Organisation.Type
Level = Territory.Level

# (pattern on the folded name, type). Order matters: "Communauté de communes ... Métropole"
# is unlikely, "Direction départementale" must not read as a département.
TYPE_RULES: list[tuple[re.Pattern, str]] = [(re.compile(p), t) for p, t in [
    (r"^(direction (departementale|regionale)|ddtm?|dreal|dreets|draaf|drac|dir |prefecture)\b",
     OrgType.SERVICE_ETAT),
    (r"^(region|conseil regional)\b", OrgType.CONSEIL_REGIONAL),
    (r"^(departement|conseil departemental|conseil general)\b", OrgType.CONSEIL_DEPARTEMENTAL),
    (r"\bcommunaute de communes\b|^cc ", OrgType.COMMUNAUTE_COMMUNES),
    (r"\bcommunaute d agglomeration\b|^ca |\bagglomeration$|\bagglo$",
     OrgType.COMMUNAUTE_AGGLOMERATION),
    (r"\bmetropole\b", OrgType.METROPOLE),
    (r"^(ville|commune|mairie) (de|du|des|d)\b", OrgType.COMMUNE),
    (r"\bsyndicat mixte\b|\bsmo\b|\bparcs? naturels?\b", OrgType.SYNDICAT_MIXTE),
    (r"^(chambre (de commerce|d agriculture|des metiers|regionale)|cci|cma)\b",
     OrgType.CHAMBRE_CONSULAIRE),
    (r"^(gip|groupement d interet public)\b", OrgType.GIP),
    (r"\buniversite\b|^(cnrs|inrae|ifremer|ird|brgm|inserm|cerema)\b", OrgType.RECHERCHE),
    (r"^association\b", OrgType.ASSOCIATION),
]]

# What each kind of organisation is responsible for.
LEVELS_BY_TYPE = {
    OrgType.COMMUNE: [Level.COMMUNE],
    OrgType.COMMUNAUTE_COMMUNES: [Level.EPCI],
    OrgType.COMMUNAUTE_AGGLOMERATION: [Level.EPCI],
    OrgType.METROPOLE: [Level.EPCI],
    OrgType.CONSEIL_DEPARTEMENTAL: [Level.DEPARTEMENT],
    OrgType.CONSEIL_REGIONAL: [Level.REGION],
    # A name with no telling prefix may still be a place: "Grand Avignon". A bare commune
    # name ("Avignon") is only trusted from the regional portal (see `for_organisation`).
    OrgType.AUTRE: [Level.EPCI],
}
TYPE_BY_EPCI_KIND = {"CC": OrgType.COMMUNAUTE_COMMUNES, "CA": OrgType.COMMUNAUTE_AGGLOMERATION,
                     "METRO": OrgType.METROPOLE, "CU": OrgType.METROPOLE}

_PARENTHESES = re.compile(r"\([^)]*\)")
# Leading words that say what kind of body it is, not which place.
_PREFIX = re.compile(
    r"^(ville|commune|mairie|departement|conseil departemental|conseil general|region|"
    r"conseil regional|communaute d agglomeration|communaute de communes|metropole|ca|cc)\b"
)
_DROPPED = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "agglomeration", "agglo"}
# Names by which the région is also known.
REGION_ALIASES = ["Sud", "Région Sud", "PACA", "Région PACA"]


def guess_organisation_type(name: str) -> str:
    folded = fold(name)
    for pattern, org_type in TYPE_RULES:
        if pattern.search(folded):
            return org_type
    return OrgType.AUTRE


def name_key(name: str) -> frozenset[str]:
    """The significant words of a place or organisation name, in no order."""
    folded = fold(_PARENTHESES.sub(" ", name or ""))
    folded = _PREFIX.sub("", folded)
    return frozenset(w for w in folded.split() if w not in _DROPPED)


class TerritoryNames:
    """The loaded territories, found by name (see the module docstring)."""

    def __init__(self, territories=None):
        if territories is None:
            territories = Territory.objects.only("id", "level", "code", "name", "kind")
        self.by_key: dict[tuple[str, frozenset], list[Territory]] = {}
        self.region: Territory | None = None
        for territory in territories:
            self._add(territory.level, name_key(territory.name), territory)
            if territory.level == Level.REGION:
                self.region = territory
                for alias in REGION_ALIASES:
                    self._add(Level.REGION, name_key(alias), territory)

    def _add(self, level: str, key: frozenset, territory: Territory) -> None:
        if key:
            found = self.by_key.setdefault((level, key), [])
            if territory not in found:
                found.append(territory)

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def find(self, name: str, levels) -> Territory | None:
        """The one territory of one of `levels` (tried in order) called `name`, or None."""
        key = name_key(name)
        if not key:
            return None
        for level in levels:
            found = self.by_key.get((level, key), [])
            if len(found) == 1:
                return found[0]
            if found:  # ambiguous at this level: better nothing than the wrong one
                return None
        return None

    def for_organisation(self, name: str, org_type: str,
                         regional_source: bool = False) -> Territory | None:
        """The territory an organisation is responsible for, from its name and type.
        `regional_source`: the organisation publishes on the regional portal, so a bare
        name like "Avignon" is the town hall; elsewhere in the national catalogue it may be
        anything ("Orange" also names a telecom operator)."""
        levels = list(LEVELS_BY_TYPE.get(org_type, []))
        if org_type == OrgType.AUTRE and regional_source:
            levels.append(Level.COMMUNE)
        return self.find(name, levels)

    def zones(self, zones: str) -> list[Territory]:
        """The territories of a comma-separated list of zone names (data.gouv.fr's
        `spatial.zones`), only when every zone is one of ours: a list naming places
        elsewhere in France ("Toulouse,Blagnac") must not attach a namesake of ours."""
        names = [z.strip() for z in (zones or "").split(",") if z.strip()]
        found = []
        for zone in names:
            territory = self.find(zone, [Level.REGION, Level.DEPARTEMENT, Level.EPCI,
                                         Level.COMMUNE])
            if territory is None:
                return []
            if territory not in found:
                found.append(territory)
        return found


def type_from_territory(territory: Territory) -> str:
    if territory.level == Level.COMMUNE:
        return OrgType.COMMUNE
    if territory.level == Level.EPCI:
        return TYPE_BY_EPCI_KIND.get(territory.kind, OrgType.AUTRE)
    if territory.level == Level.DEPARTEMENT:
        return OrgType.CONSEIL_DEPARTEMENTAL
    return OrgType.CONSEIL_REGIONAL
