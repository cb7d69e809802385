"""What a column holds, read from its name and a sample of its values: a code INSEE of a
commune, a postcode, a SIRET... (the column's "kind"), and the words a reuser types to find
each kind ("code insee", "codgeo", "cp"...).

Detection is cheap on purpose (it runs on every load): a sample of distinct values (see
`columns.SAMPLE_ROWS`) checked by regular expressions, the Luhn key of SIRET/SIREN and the
territory referential (the communes of the région and their postcodes). A name alone never
makes a kind, except to tell apart codes that the values cannot (a national file's codes
INSEE are well formed but outside the région's referential), so that a column named `com`
holding comments is never taken for a code INSEE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from datasud.catalog.validators import luhn_is_valid, siren_is_valid
from datasud.intelligence.text import fold

# kind -> label shown to reusers. The order is the one of the page's examples.
KINDS = {
    "code_insee": _("Code INSEE de commune"),
    "code_postal": _("Code postal"),
    "code_departement": _("Code de département"),
    "siret": _("SIRET (établissement)"),
    "siren": _("SIREN (entreprise)"),
    "date": _("Date"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "geometrie": _("Géométrie"),
    "email": _("Adresse électronique"),
    "url": _("Adresse web"),
    "telephone": _("Téléphone"),
}

# What people type (normalised by `normalise`) -> the kinds they mean.
ALIASES = {
    "code_insee": {
        "insee",
        "code_insee",
        "code_insee_commune",
        "insee_commune",
        "codgeo",
        "code_geo",
        "code_geographique",
        "depcom",
        "code_commune",
        "codecommune",
        "com",
        "cog",
        "code_officiel_geographique",
        "insee_com",
        "code_com",
    },
    "code_postal": {"code_postal", "cp", "postal", "codepostal", "code_postale", "postcode", "zip"},
    "code_departement": {
        "code_departement",
        "departement",
        "dep",
        "code_dep",
        "dept",
        "num_dep",
        "numero_departement",
    },
    "siret": {"siret", "num_siret", "numero_siret", "n_siret"},
    "siren": {"siren", "num_siren", "numero_siren", "n_siren"},
    "date": {"date", "dates", "jour", "date_heure", "horodatage"},
    "latitude": {"latitude", "lat", "y_wgs84", "coordonnees_latitude"},
    "longitude": {"longitude", "lon", "lng", "long", "x_wgs84", "coordonnees_longitude"},
    "geometrie": {"geometrie", "geometry", "geom", "geo_shape", "geo_point", "the_geom", "wkt"},
    "email": {"email", "e_mail", "mail", "courriel", "adresse_electronique", "mel"},
    "url": {"url", "site_web", "site_internet", "lien", "adresse_web", "web"},
    "telephone": {"telephone", "tel", "phone", "numero_telephone", "tel_fixe", "portable"},
}
# Name words that say which code a column of five-character codes holds.
INSEE_HINTS = {
    "insee",
    "codgeo",
    "depcom",
    "commune",
    "com",
    "cog",
    "geo",
    "codecommune",
    "codcom",
    "inseecom",
}
POSTAL_HINTS = {"cp", "postal", "codepostal", "postale", "postcode", "zip", "cpostal"}
DEPARTEMENT_HINTS = {"dep", "departement", "dept", "dpt", "depart", "numdep"}
SIRENE_HINTS = {"siret", "siren", "sirene"}
LATITUDE_HINTS = {"lat", "latitude", "y"}
LONGITUDE_HINTS = {"lon", "lng", "long", "longitude", "x"}

# Share of the sampled values that must fit a kind.
THRESHOLD = 0.9
# Below this many distinct values, SIREN and SIRET keys prove little: a name must agree.
FEW_VALUES = 5

_CODE5 = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://\S+$", re.I)
_PHONE = re.compile(r"^(0[1-9]\d{8}|\+33[1-9]\d{8}|0033[1-9]\d{8})$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?.*)?|\d{2}/\d{2}/\d{4})$")
_SEPARATORS = re.compile(r"[\s.\-]")


def normalise(name: str) -> str:
    """A column name (or a query) as words joined by `_`: "Code INSEE" -> "code_insee"."""
    return "_".join(fold(name).split())


def kinds_of_query(query: str) -> list[str]:
    """The kinds a query names: "code INSEE" -> ["code_insee"], "SIRET" -> ["siret"]."""
    wanted = normalise(query)
    return [kind for kind, aliases in ALIASES.items() if wanted == kind or wanted in aliases]


@dataclass
class Referential:
    """The territory codes values are checked against."""

    communes: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    departements: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Referential:
        from datasud.territories.models import Territory

        referential = cls()
        for level, code, postcodes in Territory.objects.filter(
            level__in=[Territory.Level.COMMUNE, Territory.Level.DEPARTEMENT]
        ).values_list("level", "code", "postcodes"):
            if level == Territory.Level.COMMUNE:
                referential.communes.add(code)
                referential.postcodes.update(str(p) for p in postcodes or ())
            else:
                referential.departements.add(code)
        return referential


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _padded(values: list[str], width: int) -> list[str]:
    """Integer columns lose their leading zero (04070 read as 4070): put it back."""
    return [v.zfill(width) if v.isdigit() and len(v) == width - 1 else v for v in values]


def detect_kind(
    name: str,
    field_type: str,
    values: list[str],
    referential: Referential,
    minimum: float | None = None,
    maximum: float | None = None,
) -> str:
    """The kind of a column (a key of `KINDS`), or "" when nothing is recognised.

    `name` is the column's label, `field_type` its Table Schema type, `values` a sample of
    its distinct non-null values as text, `minimum`/`maximum` its range (numbers).
    """
    words = set(normalise(name).split("_"))
    joined = normalise(name).replace("_", "")
    if field_type == "geojson":
        return "geometrie"
    if field_type in ("date", "datetime"):
        return "date"
    if field_type == "number":
        return _coordinate(words, minimum, maximum)
    if not values:
        return ""
    integer = field_type == "integer"
    coordinate = _coordinate(words, minimum, maximum) if integer else ""
    if coordinate:
        return coordinate
    compact = [_SEPARATORS.sub("", v) for v in values]
    named_sirene = bool(words & SIRENE_HINTS)
    enough = len(values) >= FEW_VALUES or named_sirene
    siret = _padded(compact, 14) if integer else compact
    if (
        enough
        and _share(siret, lambda v: len(v) == 14 and v.isdigit() and luhn_is_valid(v)) >= THRESHOLD
    ):
        return "siret"
    siren = _padded(compact, 9) if integer else compact
    if enough and _share(siren, siren_is_valid) >= THRESHOLD:
        return "siren"
    codes = [v.upper() for v in (_padded(values, 5) if integer else values)]
    if _share(codes, _CODE5.match) >= THRESHOLD:
        code = _code5(codes, words, joined, referential)
        if code:
            return code
    departement = _departement(values, integer, words, referential)
    if departement:
        return departement
    if integer:
        return ""
    for kind, pattern in (("email", _EMAIL), ("url", _URL), ("date", _DATE)):
        if _share(values, pattern.match) >= THRESHOLD:
            return kind
    if _share(compact, _PHONE.match) >= THRESHOLD:
        return "telephone"
    return ""


def _coordinate(words: set[str], minimum: float | None, maximum: float | None) -> str:
    if minimum is None or maximum is None:
        return ""
    if words & LATITUDE_HINTS and -90 <= minimum and maximum <= 90:
        return "latitude"
    if words & LONGITUDE_HINTS and -180 <= minimum and maximum <= 180:
        return "longitude"
    return ""


def _code5(codes: list[str], words: set[str], joined: str, referential: Referential) -> str:
    """Code INSEE or postcode? The referential decides, the name when it cannot (codes
    outside the région, or as many of both kinds)."""
    postal_named = bool(words & POSTAL_HINTS) or "codepostal" in joined
    insee_named = bool(words & INSEE_HINTS) or "insee" in joined
    if postal_named and not insee_named:
        return "code_postal"
    in_communes = _share(codes, referential.communes.__contains__)
    in_postcodes = _share(codes, referential.postcodes.__contains__)
    if insee_named and in_communes >= in_postcodes:
        return "code_insee"
    if in_communes >= 0.8 and in_communes >= in_postcodes:
        return "code_insee"
    if in_postcodes >= 0.8:
        return "code_postal"
    if insee_named:
        return "code_insee"
    return ""


def _departement(
    values: list[str], integer: bool, words: set[str], referential: Referential
) -> str:
    named = bool(words & DEPARTEMENT_HINTS)
    codes = [v.upper() for v in (_padded(values, 2) if integer else values)]
    if named and _share(codes, _DEPARTEMENT.match) >= THRESHOLD:
        return "code_departement"
    # Without the name, only codes as text ("04", never 4) that are the région's.
    if (
        not integer
        and referential.departements
        and len(values) >= 2
        and _share(codes, referential.departements.__contains__) >= THRESHOLD
    ):
        return "code_departement"
    return ""
