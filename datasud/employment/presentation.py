"""What the wizard's pages show, shaped from the engine's answers: skills to tick grouped,
shares in percents, tension rows in reading order, a commune from what the person typed.
Plain functions, no HTTP (the views in `views.py` call them)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datasud.territories.models import Territory


def skill_groups(gap: dict, ticked: list[str]) -> list[dict]:
    """The target's skills the person does not hold through their current job, grouped:
    core skills first, then emerging ones, the others, and knowledge."""
    groups = [
        ("coeur", _("Compétences cœur du métier visé"),
         [s for s in gap["competences_a_acquerir"] if s["coeur_metier"] == "Principale"]),
        ("emergentes", _("Compétences émergentes du métier visé"),
         [s for s in gap["competences_a_acquerir"] if s["coeur_metier"] == "Émergente"]),
        ("autres", _("Autres savoir-faire et savoir-être"),
         [s for s in gap["competences_a_acquerir"] if not s["coeur_metier"]]),
        ("savoirs", _("Savoirs (connaissances)"), gap["savoirs_a_acquerir"]),
    ]
    return [{"key": key, "legend": legend,
             "skills": [{**s, "checked": s["code_ogr"] in ticked} for s in skills]}
            for key, legend, skills in groups if skills]


def resolve_commune(text: str) -> tuple[str, str]:
    """A commune of the région from its INSEE code, postcode or name: (INSEE code, name),
    or ("", "") when none matches. A postcode shared by several communes gives the most
    populated one (the result page names it, so the person can correct it)."""
    text = " ".join((text or "").split())[:100]
    if not text:
        return "", ""
    communes = Territory.objects.filter(level=Territory.Level.COMMUNE)
    found = communes.filter(code=text.upper()).values_list("code", "name").first()
    if not found and text.isdigit() and len(text) == 5:
        # Postcodes are a JSON list: matched here, as JSON lookups differ between databases.
        rows = communes.order_by("-population").values_list("code", "name", "postcodes")
        found = next(((code, name) for code, name, postcodes in rows
                      if text in (postcodes or [])), None)
    if not found:
        found = communes.filter(name__iexact=text).order_by("-population").values_list(
            "code", "name").first()
    return found or ("", "")


def coverage(gap: dict | None) -> dict:
    """Shares of the target covered, in whole percents (for the progress bar and text)."""
    if not gap:
        return {}
    core = gap["part_coeur_metier_couverte"]
    return {"share": round(gap["part_couverte"] * 100),
            "core": None if core is None else round(core * 100)}


DEPARTEMENTS = {"93": gettext_lazy("Provence-Alpes-Côte d'Azur"), "04": "Alpes-de-Haute-Provence",
                "05": "Hautes-Alpes", "06": "Alpes-Maritimes", "13": "Bouches-du-Rhône",
                "83": "Var", "84": "Vaucluse", "France": gettext_lazy("France entière")}


# DARES ranks the tension and each of its indicators from 1 (weakest) to 5 (strongest).
LEVELS = {1: gettext_lazy("très faible"), 2: gettext_lazy("faible"), 3: gettext_lazy("moyenne"),
          4: gettext_lazy("forte"), 5: gettext_lazy("très forte")}


def level(value: float | None) -> dict:
    number = int(value) if isinstance(value, int | float) else None
    return {"value": number, "label": LEVELS.get(number, "")}


def tension_places(tension: dict | None) -> list[dict]:
    """Tension rows per family: PACA first, then each département, then France."""
    if not tension:
        return []
    order = ["93", "04", "05", "06", "13", "83", "84", "France"]
    families = []
    for family in tension["familles"]:
        places = family["territoires"]
        families.append({"fap": family["fap"], "rows": [
            {"code": code, "name": DEPARTEMENTS.get(code, code),
             "level": level(places[code]["categorie"]),
             # People working in the family there (DARES, mean of 2019): where the jobs are.
             "employment": places[code].get("emploi_moyen"),
             "indicators": [{"name": name, **level(value)}
                            for name, value in places[code]["indicateurs"].items()]}
            for code in order if code in places]})
    return families
