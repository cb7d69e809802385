"""The diagnostic engine: built once from the referential tables, then read-only.

Nothing about the person is stored: every method answers from its arguments alone.
"""
from __future__ import annotations

import os
import re
import sys
import time
from collections import defaultdict

from .areas import AREAS_SOURCE, SECTORS_SOURCE, EmploymentAreas
from .descriptors import FicheDescriptors
from .errors import EngineError
from .labour import LabourMarket
from .mobility import MobilityModel, observed_transitions
from .referential_features import work_contexts
from .skills import SkillsReferential
from .tables import Tables, read_from_datastore, read_from_files
from .text import TitleIndex, appellation_forms, fold


def resident_bytes() -> int:
    """Resident memory of this process (Linux), 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


CODE_ROME = re.compile(r"^[A-N]\d{4}$")
CODE_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
MAX_TEXT = 200
# Below this trigram cosine, a match shares only fragments with the text ("zzzz" → jazz).
MIN_SCORE = 0.5


class Engine:
    def __init__(self, tables: Tables):
        started = time.perf_counter()
        before = resident_bytes()
        self.fiches = {r["code_rome"]: {"libelle": r["libelle_rome"],
                                        "parent": r["code_rome_parent"] or r["code_rome"],
                                        "cadre": r.get("emploi_cadre") or ""}
                       for r in tables["fiches"]}
        self.by_parent: dict[str, list[str]] = defaultdict(list)
        for code, fiche in self.fiches.items():
            self.by_parent[fiche["parent"]].append(code)
        self.domains = {r["code"]: r["libelle"] for r in tables.get("domains", [])}
        self.appellations = {r["code_ogr"]: r for r in tables["appellations"]
                             if r["code_rome"] in self.fiches}
        self.skills = SkillsReferential(tables["items"], tables["fiche_items"])
        self.descriptors = FicheDescriptors(tables.get("sectors", []), tables.get("riasec", []),
                                            tables.get("interests", []))
        self.official_links: dict[str, list[str]] = defaultdict(list)
        for row in sorted(tables.get("mobilities", []),
                          key=lambda r: (r["code_rome"], int(r["numero_ordre"] or 0))):
            if row["code_rome"] in self.fiches and row["code_rome_cible"] in self.fiches:
                self.official_links[row["code_rome"]].append(row["code_rome_cible"])
        self.titles = self._title_index()
        self.labour = LabourMarket(tables.get("fap_rome", []), tables.get("salary_median", []),
                                   tables.get("salary_bands", []), tables.get("tensions", []))
        self.areas = EmploymentAreas(tables.get("area_communes", []),
                                     tables.get("related_romes", []),
                                     tables.get("rome_naf", []), tables.get("naf_labels", []))
        self.mobility = MobilityModel(
            self.fiches, self.skills.by_fiche, self.official_links,
            observed_transitions(tables.get("related_romes", [])), self._isco_groups(tables),
            titles=self._fiche_titles(),
            sectors={code: {s[0] for s in rows}
                     for code, rows in self.descriptors.sectors.items()},
            referentials=self._fiche_referentials(tables))
        # Resident-memory growth while building: tables read, indexes and models.
        self.memory_bytes = max(resident_bytes() - before, 0)
        self.build_seconds = round(time.perf_counter() - started, 2)

    @classmethod
    def from_datastore(cls) -> Engine:
        """The engine over the current datastore version of every referential."""
        return cls(read_from_datastore())

    @classmethod
    def from_files(cls, folder=None) -> Engine:
        return cls(read_from_files(folder) if folder else read_from_files())

    def _title_index(self) -> TitleIndex:
        index = TitleIndex()
        for code, row in self.appellations.items():
            # Rarely used titles rank slightly lower than common ones.
            bonus = -0.02 if row.get("peu_usite") == "O" else 0.0
            variants = appellation_forms(row["libelle_appellation_long"])
            variants += appellation_forms(row["libelle_appellation_court"])
            index.add(code, row["libelle_appellation_long"], row["code_rome"], variants, bonus)
        for code, fiche in self.fiches.items():
            index.add("", fiche["libelle"], code, appellation_forms(fiche["libelle"]), -0.01)
        index.freeze()
        return index

    def _fiche_titles(self) -> dict[str, list[str]]:
        """Fiche → its label and the short labels of its appellations."""
        titles = {code: [fiche["libelle"]] for code, fiche in self.fiches.items()}
        for row in self.appellations.values():
            titles[row["code_rome"]].append(row["libelle_appellation_court"])
        return titles

    def _fiche_referentials(self, tables: Tables) -> dict:
        """What `referential_features.FicheReferentials` reads: RIASEC, centres of interest,
        work contexts, La Bonne Boîte's hirings by NAF sector, DARES families and their
        latest median salary."""
        return {
            "riasec": self.descriptors.riasec,
            "interests": {code: {c: main for c, _label, main in rows}
                          for code, rows in self.descriptors.interests.items()},
            "contexts": work_contexts(tables["items"], tables["fiche_items"]),
            "naf": {rome: dict(rows) for rome, rows in self.areas.hirings.items()},
            "faps": {parent: {fap for fap, _label in rows}
                     for parent, rows in self.labour.faps.items()},
            "salaries": {fap: sorted(series)[-1][1]
                         for fap, series in self.labour.medians.items() if series},
        }

    def _isco_groups(self, tables: Tables) -> dict[str, set[str]]:
        isco_of = {r["esco_uri"]: r["code_isco"] for r in tables.get("esco_occupations", [])}
        groups: dict[str, set[str]] = defaultdict(set)
        for row in tables.get("rome_esco", []):
            appellation = self.appellations.get(row["code_ogr"])
            isco = isco_of.get(row["esco_uri"])
            if appellation and isco:
                groups[appellation["code_rome"]].add(isco)
        return groups

    # --- checks -------------------------------------------------------------------------

    def fiche(self, code: str) -> dict:
        """The fiche `code` (ROME 4.0 code such as "D1505"), or a clear error."""
        code = (code or "").strip().upper()
        if not CODE_ROME.match(code):
            raise EngineError(f"« {code[:20]} » n'est pas un code ROME (une lettre et quatre "
                              "chiffres, par exemple D1505).", code="invalid_code")
        if code not in self.fiches:
            raise EngineError(f"Le code ROME {code} n'existe pas dans le ROME 4.0.",
                              code="unknown_code")
        fiche = self.fiches[code]
        return {"code_rome": code, "libelle": fiche["libelle"], "code_rome_v3": fiche["parent"],
                "domaine": self.domains.get(code[:3], ""),
                "grand_domaine": self.domains.get(code[:1], "")}

    # --- services -----------------------------------------------------------------------

    def search(self, text: str, limit: int = 10) -> dict:
        """Free text → ranked appellations and fiches (one entry per fiche, best first)."""
        text = (text or "").strip()
        if not fold(text):
            raise EngineError("Décrivez un métier en quelques mots (par exemple « caissière »).",
                              code="empty_text")
        if len(text) > MAX_TEXT:
            raise EngineError(f"Texte trop long : {MAX_TEXT} caractères au plus.",
                              code="text_too_long")
        matches = [m for m in self.titles.search(text, limit=max(limit * 20, 100))
                   if m.score >= MIN_SCORE]
        if not matches:
            raise EngineError(f"Aucun métier ne correspond à « {text[:60]} » : essayez un "
                              "autre intitulé.", code="no_match")
        appellations = [{"code_ogr": m.code_ogr, "libelle": m.label, "code_rome": m.code_rome,
                         "score": m.score} for m in matches if m.code_ogr][:limit]
        fiches, seen = [], set()
        for match in matches:
            if match.code_rome not in seen:
                seen.add(match.code_rome)
                fiches.append({**self.fiche(match.code_rome), "score": match.score,
                               "meilleure_appellation": match.label})
        return {"texte": text, "appellations": appellations, "fiches": fiches[:limit]}

    def profile(self, code: str) -> dict:
        fiche = self.fiche(code)
        return {**fiche, **self.descriptors.of(fiche["code_rome"]),
                "competences": self.skills.profile(fiche["code_rome"])}

    def gap(self, current: str, target: str, extra: list[str] = ()) -> dict:
        source, goal = self.fiche(current), self.fiche(target)
        if source["code_rome"] == goal["code_rome"]:
            raise EngineError("Le métier visé est le métier actuel : choisissez un autre "
                              "métier, ou demandez des suggestions.", code="same_fiche")
        return {"actuel": source, "cible": goal,
                **self.skills.gap(source["code_rome"], goal["code_rome"], list(extra))}

    def mobilities(self, code: str, top: int = 10) -> list[dict]:
        """Ranked nearby fiches with the reasons, never from `code`'s own official links."""
        fiche = self.fiche(code)
        if not 1 <= top <= 100:
            raise EngineError("Nombre de propositions entre 1 et 100.", code="invalid_top")
        official = set(self.official_links.get(fiche["code_rome"], ()))
        return [{**self.fiche(p.code_rome), "rang": rank, "score": p.score,
                 "raisons": self.reasons(fiche["code_rome"], p.code_rome, p.signals),
                 "mobilite_officielle": p.code_rome in official}
                for rank, p in enumerate(self.mobility.propose(fiche["code_rome"], top), 1)]

    def reasons(self, source: str, target: str, signals: dict) -> list[str]:
        reasons = []
        shared = set(self.skills.by_fiche.get(source, {})) & set(
            self.skills.by_fiche.get(target, {}))
        if shared:
            reasons.append(f"{len(shared)} compétences et savoirs en commun")
        if signals.get("domain"):
            reasons.append(f"même domaine professionnel : {self.domains.get(target[:3], '')}")
        elif signals.get("grand_domain"):
            reasons.append(f"même grand domaine : {self.domains.get(target[:1], '')}")
        if signals.get("observed"):
            reasons.append("transitions observées par La Bonne Boîte entre ces métiers")
        if signals.get("reverse"):
            reasons.append("le ROME indique la mobilité inverse")
        if signals.get("cocited"):
            reasons.append("proposé avec ce métier par d'autres fiches du ROME")
        if signals.get("isco"):
            reasons.append("même groupe de la classification européenne ESCO/CITP")
        if signals.get("parent"):
            reasons.append("issu de la même fiche du ROME v3")
        if signals.get("neighbours") or signals.get("siblings"):
            reasons.append("proposé par le ROME depuis des métiers proches de celui-ci")
        elif signals.get("family_linked"):
            reasons.append("mobilité référencée entre les deux familles de métiers")
        if not reasons and signals.get("popular"):
            reasons.append("destination fréquente des mobilités du ROME")
        return reasons

    def salary(self, code: str) -> dict:
        fiche = self.fiche(code)
        return self.labour.salaries(fiche["code_rome_v3"])

    def tension(self, code: str) -> dict:
        fiche = self.fiche(code)
        return self.labour.tension(fiche["code_rome_v3"])

    def commune(self, code: str | None) -> str | None:
        """The INSEE code of a commune of the région (None when not given), or an error."""
        code = (code or "").strip().upper()
        if not code:
            return None
        if not CODE_INSEE.match(code):
            raise EngineError(f"« {code[:20]} » n'est pas un code commune Insee (cinq "
                              "caractères, par exemple 13055 pour Marseille).",
                              code="invalid_commune")
        if code not in self.areas.area_of:
            raise EngineError(f"La commune {code} n'est pas une commune de la région "
                              "Provence-Alpes-Côte d'Azur.", code="unknown_commune")
        return code

    def market(self, target: str, current: str | None = None,
               commune: str | None = None) -> dict:
        """The labour market of the target in the région: tension (PACA and départements),
        the NAF sectors that hire for it, the employment areas with what the data says
        there. Each block names its source; `complet` is false when a part has no data."""
        goal = self.fiche(target)
        source = self.fiche(current) if current else None
        commune = self.commune(commune)
        tension = self.tension(goal["code_rome"])
        by_departement: dict[str, list[dict]] = {}
        for family in tension["familles"]:
            for where, figures in family["territoires"].items():
                if where.isdigit() and len(where) == 2 and where != "93":
                    by_departement.setdefault(where, []).append(
                        {"fap": family["fap"], "tension": figures["tension"],
                         "categorie": figures["categorie"]})
        sectors = self.areas.sectors(goal["code_rome_v3"])
        zones = self.areas.zones(goal["code_rome_v3"],
                                 source["code_rome_v3"] if source else None,
                                 by_departement, commune)
        messages = []
        if not tension["complet"]:
            messages.append("Pas de chiffres de tension de la DARES pour ce métier.")
        if not sectors:
            messages.append("La Bonne Boîte ne donne pas de secteurs qui recrutent pour ce "
                            "métier.")
        if zones and not any(z["indicateur"]["metier_observe"] for z in zones):
            messages.append("La Bonne Boîte n'observe ce métier dans aucun bassin de la "
                            "région.")
        return {
            "code_rome_v3": goal["code_rome_v3"],
            "tension": tension, "secteurs": sectors, "zones_emploi": zones,
            "complet": tension["complet"] and bool(sectors) and bool(zones),
            "messages": messages,
            "sources": [
                {"partie": "tension", "source": tension["source"], "date": "2019"},
                {"partie": "secteurs", "source": SECTORS_SOURCE,
                 "date": "fichiers publiés par La Bonne Boîte, copiés en novembre 2026"},
                {"partie": "zones_emploi", "source": AREAS_SOURCE,
                 "date": "fichiers publiés par La Bonne Boîte, copiés en novembre 2026"},
            ],
        }

    def diagnostic(self, current: str, target: str | None = None, extra: list[str] = (),
                   top: int = 10, commune: str | None = None) -> dict:
        """The full diagnostic: profile of the current job, proposals, and when a target is
        given its gap, salaries, tension and labour market in the région (sectors, employment
        areas). Missing figures are labelled, not invented."""
        commune = self.commune(commune)
        result = {"actuel": self.profile(current), "mobilites": self.mobilities(current, top)}
        if target:
            result["ecart"] = self.gap(current, target, extra)
            result["salaires"] = self.salary(target)
            result["tension"] = self.tension(target)
            result["marche"] = self.market(target, current, commune)
        return result

    def skills_of(self, codes: list[str]) -> set[str]:
        """Skills (OGR codes) of the fiches named by ROME codes: a ROME 4.0 code is its
        fiche; a ROME v3 code (training offers still use them) stands for every fiche born
        from it."""
        found: set[str] = set()
        for code in codes:
            code = (code or "").strip().upper()
            fiches = [code] if code in self.fiches else self.by_parent.get(code, [])
            for fiche in fiches:
                found |= set(self.skills.by_fiche.get(fiche, {}))
        return found

    def memory_report(self) -> dict:
        return {"memoire_mo": round(self.memory_bytes / 1e6, 1),
                "construction_s": self.build_seconds,
                "fiches": len(self.fiches), "appellations": len(self.appellations),
                "libelles_indexes": self.titles.size, "python": sys.version.split()[0]}
