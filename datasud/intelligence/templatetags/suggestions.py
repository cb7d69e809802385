"""`{% suggestions_panel form suggestions %}`: the "Suggestions" panel of the dataset form."""
from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Licence, Theme

register = template.Library()


@register.inclusion_tag("intelligence/suggestions_panel.html")
def suggestions_panel(form, suggestions=None):
    result = (suggestions or {}).get("result")
    themes = {t.slug: t for t in Theme.objects.all()}  # one query each, for both uses
    licences = {lic.slug: lic for lic in Licence.objects.all()}
    rows = {}
    if result:
        frequencies = dict(Dataset.Frequency.choices)
        rows = {
            "themes": [(s["slug"], themes[s["slug"]].localized_name(), s["score"])
                       for s in result["themes"] if s["slug"] in themes],
            "tags": [(t["name"], t["score"]) for t in result["tags"]],
            "licence": (result["licence"] and result["licence"]["slug"] in licences
                        and (result["licence"]["slug"], licences[result["licence"]["slug"]].title,
                             result["licence"]["score"])),
            "frequency": (result["frequency"] and result["frequency"]["code"] in frequencies
                          and (result["frequency"]["code"],
                               frequencies[result["frequency"]["code"]],
                               result["frequency"]["score"])),
            "territories": result["territories"],
            "producer_tags": [(t["name"], t["datasets"])
                              for t in result.get("producer_tags", [])],
        }
    return {"form": form, "suggestions": suggestions or {}, "rows": rows,
            "theme_ids": {slug: t.pk for slug, t in themes.items()},
            "licence_ids": {slug: lic.pk for slug, lic in licences.items()},
            "organisation_slugs": _organisation_slugs(form), "labels": _labels()}


def _labels() -> dict[str, str]:
    """The script's words in the page's language (`suggestions.js` fills the %(...)s), the
    same strings as the panel rendered without JavaScript."""
    return {
        "themes": _("Thèmes"), "tags": _("Mots-clés"),
        "producer_tags": _("Mots-clés habituels de l'organisation"),
        "licence": _("Licence"), "frequency": _("Fréquence de mise à jour"),
        "territories": _("Territoires"),
        "add_theme": _("Ajouter le thème « %(name)s »"),
        "choose_licence": _("Choisir « %(title)s »"),
        "choose_frequency": _("Choisir « %(label)s »"),
        "add_territory": _("Ajouter %(name)s"),
        "on_datasets": _("sur %(counter)s de ses jeux de données"),
        "searching": _("Recherche de suggestions…"),
    }


def _organisation_slugs(form) -> dict[str, str]:
    """Primary key -> slug of the organisations the form offers (the script sends the
    chosen one's slug to the API)."""
    field = form.fields.get("organisation") if form is not None else None
    if field is None or not hasattr(field, "queryset"):
        return {}
    return {str(pk): slug for pk, slug in field.queryset.values_list("pk", "slug")}
