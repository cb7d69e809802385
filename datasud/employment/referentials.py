"""The employment referentials shipped in `data/`: which file goes to which dataset of
which producer. Plain data, no Django import, so that the engine can read the files alone
(benchmarks); `publication.py` puts them in the catalogue and the datastore.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Producer:
    slug: str
    name: str
    acronym: str
    type: str
    website: str


@dataclass(frozen=True)
class ReferentialFile:
    key: str       # how the engine names the table
    file: str      # shipped file in data/
    name: str      # the resource's title (its file name once uploaded)
    description: str


@dataclass(frozen=True)
class ReferentialDataset:
    slug: str
    title: str
    description: str
    producer: Producer
    licence: str
    files: tuple[ReferentialFile, ...]


FRANCE_TRAVAIL = Producer("france-travail", "France Travail", "FT",
                          "etablissement-public", "https://www.francetravail.fr")
DARES = Producer("dares", "Direction de l'animation de la recherche, des études et des "
                 "statistiques", "DARES", "service-deconcentre-etat",
                 "https://dares.travail-emploi.gouv.fr")
EUROPEAN_COMMISSION = Producer("commission-europeenne", "Commission européenne", "CE",
                               "autre", "https://esco.ec.europa.eu")

DATASETS = (
    ReferentialDataset(
        slug="rome-4-0-v60",
        title="ROME 4.0 — Répertoire opérationnel des métiers et des emplois (version 60)",
        description="Le référentiel des métiers de France Travail, version 60 (septembre "
                    "2025) : 1 584 fiches métiers, leurs appellations, les compétences "
                    "(savoir-faire, savoir-être, savoirs) de chaque fiche avec les "
                    "compétences cœur de métier, les domaines professionnels et les "
                    "mobilités entre fiches.\n\nSource : France Travail, ROME 4.0 v60 "
                    "(francetravail.org/opendata), Licence Ouverte 2.0.",
        producer=FRANCE_TRAVAIL, licence="lov2",
        files=(
            ReferentialFile("fiches", "rome_fiches.csv.gz", "rome-fiches-metiers.csv",
                            "Les 1 584 fiches métiers (code ROME, intitulé, code ROME v3)."),
            ReferentialFile("appellations", "rome_appellations.csv.gz",
                            "rome-appellations.csv",
                            "Les 13 120 appellations (intitulés d'emploi) et leur fiche."),
            ReferentialFile("items", "rome_items.csv.gz", "rome-competences-savoirs.csv",
                            "Compétences et savoirs : libellé et rubrique (1 savoir-faire, "
                            "2 savoir-être professionnels, 3 savoirs)."),
            ReferentialFile("fiche_items", "rome_competences_fiches.csv.gz",
                            "rome-competences-par-fiche.csv",
                            "Les compétences et savoirs de chaque fiche, avec leur place "
                            "dans le métier (cœur de métier principal ou émergent)."),
            ReferentialFile("mobilities", "rome_mobilites.csv.gz", "rome-mobilites.csv",
                            "Les mobilités professionnelles entre fiches (rubrique "
                            "« Mobilité professionnelle »)."),
            ReferentialFile("domains", "rome_domaines.csv.gz", "rome-domaines.csv",
                            "Grands domaines (une lettre) et domaines professionnels "
                            "(trois caractères)."),
            ReferentialFile("sectors", "rome_secteurs.csv.gz", "rome-secteurs-activite.csv",
                            "Les secteurs et sous-secteurs d'activité de chaque fiche "
                            "(principal : oui/non)."),
            ReferentialFile("riasec", "rome_riasec.csv.gz", "rome-riasec.csv",
                            "Le profil RIASEC de chaque fiche (types majeur et mineur : "
                            "Réaliste, Investigateur, Artistique, Social, Entreprenant, "
                            "Conventionnel)."),
            ReferentialFile("interests", "rome_centres_interet.csv.gz",
                            "rome-centres-interet.csv",
                            "Les centres d'intérêt associés à chaque fiche (principal : "
                            "oui/non)."),
        )),
    ReferentialDataset(
        slug="correspondance-rome-esco",
        title="Correspondance entre les appellations ROME et les métiers ESCO",
        description="Table officielle de correspondance de France Travail (Pôle emploi, "
                    "version 1.4 du 7 juin 2022) entre les appellations du ROME et les "
                    "métiers de la classification européenne ESCO (relations SKOS).\n\n"
                    "Source : France Travail, Licence Ouverte 2.0.",
        producer=FRANCE_TRAVAIL, licence="lov2",
        files=(ReferentialFile("rome_esco", "rome_esco.csv.gz", "correspondance-rome-esco.csv",
                               "Appellation ROME → métier ESCO, avec la relation SKOS."),)),
    ReferentialDataset(
        slug="esco-1-1-1-metiers",
        title="ESCO 1.1.1 — métiers et groupes CITP/ISCO (français)",
        description="Les métiers de la classification européenne ESCO 1.1.1 avec leur "
                    "groupe CITP/ISCO-08.\n\nSource : Commission européenne, ESCO "
                    "(esco.ec.europa.eu), réutilisation libre avec mention de la source "
                    "(décision 2011/833/UE).",
        producer=EUROPEAN_COMMISSION, licence="cc-by",
        files=(ReferentialFile("esco_occupations", "esco_metiers.csv.gz", "esco-metiers.csv",
                               "Métier ESCO : URI, code CITP/ISCO, code ESCO, libellé."),)),
    ReferentialDataset(
        slug="dares-portraits-statistiques-des-metiers",
        title="Portraits statistiques des métiers : salaires et tensions de recrutement",
        description="DARES, Portraits statistiques des métiers : salaires médians et "
                    "tranches de salaires par famille professionnelle (FAP), table de "
                    "passage FAP ↔ ROME, tensions de recrutement 2019 et leurs six "
                    "indicateurs, au niveau national, pour la région Provence-Alpes-Côte "
                    "d'Azur (93) et ses six départements.\n\nSource : DARES, Licence "
                    "Ouverte 2.0.",
        producer=DARES, licence="lov2",
        files=(
            ReferentialFile("fap_rome", "dares_fap_rome.csv.gz", "dares-fap-rome.csv",
                            "Table de passage FAP 225 ↔ ROME (v3)."),
            ReferentialFile("salary_median", "dares_salaire_median.csv.gz",
                            "dares-salaire-median.csv",
                            "Salaire mensuel net médian par FAP (moyennes triennales)."),
            ReferentialFile("salary_bands", "dares_salaires_tranches.csv.gz",
                            "dares-salaires-tranches.csv",
                            "Répartition des salariés par tranche de salaire et par FAP."),
            ReferentialFile("tensions", "dares_tensions.csv.gz", "dares-tensions-2019.csv",
                            "Tensions de recrutement 2019 et indicateurs : France, région "
                            "93 et départements 04, 05, 06, 13, 83, 84."),
        )),
    ReferentialDataset(
        slug="la-bonne-boite-metiers-connexes",
        title="La Bonne Boîte — métiers connexes observés par bassin d'emploi",
        description="Les paires de métiers (ROME v3) entre lesquels La Bonne Boîte "
                    "observe des transitions, par bassin d'emploi, avec leur score.\n\n"
                    "Source : France Travail, La Bonne Boîte, Licence Ouverte 2.0.",
        producer=FRANCE_TRAVAIL, licence="lov2",
        files=(ReferentialFile("related_romes", "lbb_rome_connexes.csv.gz",
                               "lbb-rome-connexes.csv",
                               "Bassin d'emploi, ROME, ROME connexe, score."),)),
    ReferentialDataset(
        slug="la-bonne-boite-bassins-emploi-secteurs",
        title="La Bonne Boîte — bassins d'emploi de la région et secteurs qui recrutent",
        description="Les communes de Provence-Alpes-Côte d'Azur et leur bassin d'emploi, les "
                    "embauches observées par métier (ROME v3) et secteur d'activité (NAF) et "
                    "les libellés des codes NAF, tels qu'utilisés par La Bonne Boîte.\n\n"
                    "Source : France Travail, La Bonne Boîte, Licence Ouverte 2.0 ; noms et "
                    "populations des communes : Insee, Code officiel géographique 2026.",
        producer=FRANCE_TRAVAIL, licence="lov2",
        files=(
            ReferentialFile("area_communes", "lbb_bassins_communes.csv.gz",
                            "lbb-bassins-emploi-communes-paca.csv",
                            "Commune (code Insee) → bassin d'emploi, pour les 1 032 codes "
                            "communes des bassins de la région (93xx), avec nom, département "
                            "et population de la commune (COG 2026) quand elle existe encore."),
            ReferentialFile("rome_naf", "lbb_rome_naf.csv.gz", "lbb-embauches-rome-naf.csv",
                            "Embauches observées par métier (ROME v3) et secteur (NAF 732)."),
            ReferentialFile("naf_labels", "lbb_naf_libelles.csv.gz", "naf-libelles.csv",
                            "Code NAF (sous-classe) et libellé."),
        )),
)

FILES = {f.key: (d, f) for d in DATASETS for f in d.files}
