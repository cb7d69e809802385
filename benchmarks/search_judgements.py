"""Writes benchmarks/data/search-judgements.csv: the judged queries of the search quality
benchmark (`bench_search_quality.py`), from the demo catalogue's own metadata.

How the judgements were made (never from a ranker's output):
1. Queries: 62 searches a reuser of DataSud would type (topics of the catalogue, acronyms,
   synonyms of the words the producers use, typos), written down first; two typo queries
   whose need no active dataset met (bikes in Marseille, libraries in Avignon) were
   replaced by the same typos on a city that has them.
2. For each query, its information need, written as criteria over a dataset's title
   ("about it": grade 2) and its tags and description ("deals with it in part", or a
   second, looser criterion over title and tags: "a close neighbour": grade 1), as regular
   expressions over the lower-case, unaccented text. The criteria are the judge's reading
   of the need, not a search engine's matching: they name the concepts a relevant dataset
   talks about, in whatever words the producers used.
3. The datasets so graded were listed with their title and read; the expressions were
   corrected where they caught false friends (« opéra » in « opérations », « réseau » of
   street lighting taken for a bus network), before any ranking was measured. `OVERRIDES`
   holds grades changed by hand, dataset by dataset (none so far).
Run: .venv/bin/python benchmarks/search_judgements.py (reads the shipped demo catalogue).
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "datasud" / "catalog" / "data" / "demo-datasets.csv.gz"
OUT = ROOT / "benchmarks" / "data" / "search-judgements.csv"

BIKE = r"\bvelo|cyclab|cycliste|\bvtt\b|bicyclette|cyclotouris|veloroute|velopop"
URBA = r"\bplu\b|\bplui\b|plan local d.?urbanisme|\bpos\b|plan d.?occupation des sols"
IRVE = r"\birve\b|borne.{0,20}recharge|recharge.{0,30}(electrique|vehicule)"
AIR = (
    r"qualite de l.?air|pollu.{0,20}(atmospher|air)|\bpm10\b|\bpm2|dioxyde d.?azote"
    r"|ozone|atmosud|\bpolluant"
)
WASTE_CENTRE = r"decheter|dechetter"
PAV = r"apport volontaire|\bpav\b|conteneur|colonne.{0,20}(verre|tri|papier|textile)"
HOUSEHOLD = r"ordures menageres|dechets menagers|collecte.{0,20}dechet|\bdechet"
PARKING = r"stationnement|parking|parc relais|\bparcs? de stationnement|horodateur"
METERS = r"horodateur|parcmetre|stationnement payant"
STOPS = (
    r"arrets?\b.{0,30}(bus|transport|car|tram|reseau)|points? d.?arret|arrets? de bus"
    r"|\barrets\b"
)
PUBLIC_TRANSPORT = (
    r"transports? en commun|transports? (public|collectif)|\bbus\b|tramway|\bgtfs\b"
    r"|reseaux? (de transport|orizo|zou)|lignes? de (bus|car)|autocar"
    r"|\bcars?\b interurbain"
)
TIMETABLE = (
    r"\bgtfs\b|horaires?.{0,40}(bus|transport|ligne|car|tram)|(bus|transport"
    r"|ligne).{0,40}horaires?"
)
HIKING = (
    r"randonnee|\brando\b|sentier|pedestre|\bpdipr\b|\bgr\b ?\d"
    r"|itineraires? (de )?promenade|balade"
)
BUDGET = r"budget primitif|\bbudget|compte administratif|budgetaire"
GRANTS = r"subvention"
PROCUREMENT = r"marches? publics?|commande publique|\bdecp\b|achats? public"
ELECTIONS = r"election|electora|scrutin|resultats?.{0,20}vote|\bvote\b|\btour ?[12]\b"
POLLING = r"bureaux? de vote"
ZNIEFF = r"znieff|zones? naturelles? d.?interet ecologique"
NATURA = (
    r"natura ?2000|\bzsc\b|\bzps\b|\bsic\b|zones? speciales? de conservation"
    r"|protection speciale"
)
TVB = (
    r"trame verte|\btvb\b|continuites? ecologique|corridors? ecologique"
    r"|reservoirs? de biodiversite"
)
FLOOD = r"inond|\bcrues?\b|\bppri\b|submersion|\bazi\b"
SCOT = r"\bscot\b|schema de coherence territoriale"
LANDUSE = r"occupation (du|des) sols?|\bocsol|\bmos\b|mode d.?occupation|\bocs\b|artificialisation"
CADASTRE = r"cadastr|parcell"
ADDRESSES = r"\badress|\bbal\b|base adresse"
WATER = r"eau potable|\baep\b|adduction|alimentation en eau|captage|reseau d.?eau"
LIGHTING = r"eclairage public|lampadaire|candelabre|luminaire|point lumineux"
FIBRE = r"fibre|\bftth\b|tres haut debit|\bthd\b|\brip\b|gracethd|haut debit"
WIFI = r"\bwi.?fi\b|hotspot"
MONUMENTS = (
    r"monuments? historiques?|\bmh\b|patrimoine.{0,20}(bati|protege|classe|inscrit)"
    r"|classes? monuments?"
)
THEATRE = r"theatre|spectacle|\bopera\b|salle de concert|\bballet|programmation culturelle"
LIBRARY = r"bibliothe|mediathe|lecture publique|\bprets?\b.{0,20}(livre|document)"
SCHOOL = (
    r"\becoles?\b|etablissements? scolaires?|groupes? scolaires?|\bcolleges?\b"
    r"|\blycees?\b|maternelle|elementaire|carte scolaire|effectifs scolaires"
)
CANTEEN = r"cantine|restauration scolaire|\bmenus?\b"
CAMPING = r"camping|hotellerie de plein air|aires? naturelles?"
TOURIST_OFFICE = (
    r"offices? de tourisme|office du tourisme|accueil touristique"
    r"|bureaux? d.?information touristique"
)
PNR = r"parcs? naturels? regionaux?|\bpnr\b"
TREES = r"\barbres?\b|patrimoine arbore|alignements? d.?arbres|arboricult"
ORTHO = (
    r"orthophoto|ortho ?photo|photographies? aerienne|\bortho\b|vue aerienne"
    r"|prises? de vue aerienne"
)
EPCI = (
    r"\bepci\b|intercommunalit|communautes? de communes|communautes? d.?agglomeration"
    r"|perimetres? des (epci|intercommunalites)"
)
CEMETERY = r"cimetiere|funeraire|\btombes?\b|concessions? funeraires?"
CARPOOL = r"covoiturage|autopartage"
MUSEUM = r"\bmusees?\b"
SPORT = r"equipements? sportif|installations? sportive|gymnase|stade|piscine|\bsport"
NOISE = r"\bbruit|sonore|\bppbe\b"
HOSPITAL = r"hopita|centres? hospitalier|etablissements? de sante|\bsante\b"
POPULATION = r"population|demograph|recensement|habitants"
MARKET = (
    r"\bmarches?\b (forain|hebdomadaire|de plein vent|alimentaire|provencal|paysan"
    r"|producteurs)|marches? forains?|jours? de marche"
)

# query -> (kind, grade 2 in title or tags, grade 1 anywhere [or None: same as grade 2])
QUERIES: dict[str, tuple[str, str, str | None]] = {
    "vélo": ("mot", BIKE, None),
    "pistes cyclables": (
        "mot",
        r"cyclab|pistes?.{0,10}velo|voies? vertes?|amenagements? (cyclables|velo)",
        BIKE,
    ),
    "bicyclette": ("synonyme", BIKE, None),
    "plan local d'urbanisme": ("mot", URBA, r"urbanisme|zonage"),
    "PLU": ("sigle", URBA, r"urbanisme|zonage"),
    "bornes de recharge": ("mot", IRVE, None),
    "IRVE": ("sigle", IRVE, None),
    "recharge voiture électrique": (
        "synonyme",
        IRVE,
        r"vehicules? electrique|voitures? electrique",
    ),
    "qualité de l'air": (
        "mot",
        AIR,
        r"\bair\b.{0,20}(qualite|mesure|emission)|emissions? de polluant",
    ),
    "pollution atmosphérique": ("synonyme", AIR, r"emissions?|qualite de l.?air"),
    "déchetterie": ("mot", WASTE_CENTRE, r"\bdechet"),
    "points d'apport volontaire": ("mot", PAV, r"\bdechet|tri selectif|recyclage"),
    "ordures ménagères": (
        "mot",
        r"ordures menageres|dechets menagers|collecte.{0,30}dechet|\bom\b",
        HOUSEHOLD,
    ),
    "stationnement": ("mot", PARKING, None),
    "parking": ("synonyme", PARKING, None),
    "horodateurs": ("mot", METERS, r"stationnement"),
    "arrêts de bus": ("mot", STOPS, PUBLIC_TRANSPORT),
    "transport en commun": (
        "synonyme",
        PUBLIC_TRANSPORT,
        r"transports? (urbain|scolaire)|reseaux? de transport|\bgtfs\b",
    ),
    "horaires des bus": ("mot", TIMETABLE, PUBLIC_TRANSPORT),
    "randonnée": ("mot", HIKING, r"itinerai|\bvtt\b|tourisme vert|boucle"),
    "sentiers de randonnée pédestre": ("mot", HIKING, r"itinerai|boucle"),
    "budget primitif": ("mot", r"budget primitif", BUDGET),
    "subventions aux associations": (
        "mot",
        r"subventions?.{0,40}association|association.{0,40}subvention",
        GRANTS,
    ),
    "marchés publics": ("mot", PROCUREMENT, r"\bmarches?\b.{0,30}(attribu|notifi|conclu)"),
    "résultats des élections": ("mot", ELECTIONS, None),
    "bureaux de vote": ("mot", POLLING, ELECTIONS),
    "ZNIEFF": ("sigle", ZNIEFF, r"inventaire.{0,30}(faune|flore|naturel)|biodiversite"),
    "Natura 2000": ("mot", NATURA, r"zones? protegees?|espaces? proteges?"),
    "trame verte et bleue": ("mot", TVB, r"biodiversite|ecologi"),
    "zones inondables": ("mot", FLOOD, r"risques? naturels?|\bppr\b"),
    "SCOT": ("sigle", SCOT, r"planification|urbanisme"),
    "occupation du sol": ("mot", LANDUSE, r"\bsols?\b"),
    "cadastre": ("mot", CADASTRE, r"foncier"),
    "base adresse locale": ("mot", r"\bbal\b|base adresse|adresses?", ADDRESSES),
    "eau potable": ("mot", WATER, r"\beau\b"),
    "éclairage public": ("mot", LIGHTING, None),
    "fibre optique": ("mot", FIBRE, r"numerique|internet|telecom"),
    "wifi public": ("mot", WIFI, None),
    "monuments historiques": ("mot", MONUMENTS, r"patrimoine"),
    "théâtre": ("mot", THEATRE, r"culture|salle"),
    "bibliothèques": ("mot", LIBRARY, r"\blivres?\b|\bprets?\b"),
    "écoles": ("mot", SCHOOL, r"scolaire|enseignement|education"),
    "cantine scolaire": ("mot", CANTEEN, r"scolaire"),
    "campings": ("mot", CAMPING, r"hebergement"),
    "office de tourisme": ("mot", TOURIST_OFFICE, r"tourisme|touristique"),
    "parc naturel régional": ("mot", PNR, None),
    "arbres": ("mot", TREES, r"vegeta|espaces? verts?"),
    "photos aériennes": ("synonyme", ORTHO, None),
    "EPCI": ("sigle", r"\bepci\b|intercommunal|cooperation intercommunale", EPCI),
    "cimetières": ("mot", CEMETERY, None),
    "covoiturage": ("mot", CARPOOL, None),
    "musées": ("mot", MUSEUM, r"exposition|collection"),
    "équipements sportifs": ("mot", SPORT, None),
    # Typos: same needs as above, misspelt.
    "velo avignnon": ("faute", rf"({BIKE}).*avignon|avignon.*({BIKE})", None),
    "stationement": ("faute", PARKING, None),
    "randonée": ("faute", HIKING, r"itinerai|boucle"),
    "pistes cyclabes": ("faute", r"cyclab|pistes?.{0,10}velo|voies? vertes?", BIKE),
    "bibliotheques marseile": ("faute", rf"({LIBRARY}).*marseille|marseille.*({LIBRARY})", LIBRARY),
    "cimetieres": ("faute", CEMETERY, None),
    "déchèteries": ("faute", WASTE_CENTRE, r"\bdechet"),
    "orthophotographie": ("mot", ORTHO, None),
    "qualite de l'aire": ("faute", AIR, r"emissions? de polluant"),
}
# (query, slug) -> grade, after reading the lists (see the module's docstring).
OVERRIDES: dict[tuple[str, str], int] = {}


def unaccent(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("œ", "oe")


def judge(rows: list[dict]) -> list[tuple[str, str, str, int, str]]:
    judged = []
    for query, (kind, about, related) in QUERIES.items():
        about_re, related_re = re.compile(about), re.compile(related or about)
        for row in rows:
            title = unaccent(row["title"])
            tags = unaccent(row["tags"].replace(",", " ").replace("-", " "))
            body = unaccent(row["description"])[:5000]
            grade = (
                2
                if about_re.search(title)
                else (
                    1
                    if about_re.search(f"{tags} {body}") or related_re.search(f"{title} {tags}")
                    else 0
                )
            )
            grade = OVERRIDES.get((query, row["slug"]), grade)
            if grade:
                judged.append((query, kind, row["slug"], grade, row["title"]))
    return judged


def main() -> int:
    with gzip.open(DEMO, "rt", encoding="utf-8") as f:
        rows = [
            row
            for row in csv.DictReader(f, delimiter=";")
            if row["archived"] in ("", "False", "false")
        ]
    judged = judge(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["query", "kind", "slug", "grade", "title"])
        writer.writerows(judged)
    counts: dict[str, list[int]] = {}
    for query, _kind, _slug, grade, _title in judged:
        counts.setdefault(query, [0, 0])[grade - 1] += 1
    for query in QUERIES:
        print(f"{query}: {counts.get(query, [0, 0])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
