"""The "Suggestions" panel of the dataset form, without JavaScript: the button « Proposer
des thèmes et mots-clés » (`suggest`) and each « Ajouter » button (`accept_suggestion`,
value `theme:<slug>`, `tag:<name>`, `licence:<slug>`, `frequency:<code>`,
`territory:<level>:<code>`) post the form; the page comes back with what was typed, the
accepted suggestion applied, and the suggestions. Nothing is saved until « Enregistrer ».
With JavaScript (`static/intelligence/suggestions.js`) the same buttons work in the page.
"""
from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from datasud.catalog.forms import split_list
from datasud.catalog.models import Licence, Organisation, Theme
from datasud.territories.models import Territory

from . import services

SUGGEST = "suggest"
ACCEPT = "accept_suggestion"


def wants_suggestions(request) -> bool:
    return request.method == "POST" and (SUGGEST in request.POST or ACCEPT in request.POST)


def warm_up() -> None:
    """The dataset form is open: the suggestion model gets ready in the background while
    the producer types (`services.warm_up`)."""
    services.warm_up()


def posted_values(form_class: type[forms.Form], post: QueryDict) -> dict:
    """The posted values as a form's `initial` (lists for multiple choices)."""
    values = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            values[name] = post.getlist(name)
        elif isinstance(field, forms.BooleanField):
            values[name] = bool(post.get(name))
        elif name in post:
            values[name] = post.get(name)
    return values


def apply(values: dict, accepted: str) -> None:
    """Put one accepted suggestion into the form's values."""
    kind, _sep, value = accepted.partition(":")
    if kind == "theme":
        theme = Theme.objects.filter(slug=value).first()
        if theme and str(theme.pk) not in values.get("themes", []):
            values["themes"] = [*values.get("themes", []), str(theme.pk)]
    elif kind == "tag" and value:
        tags = split_list(values.get("tags", ""))
        if value not in tags:
            values["tags"] = ", ".join([*tags, value])
    elif kind == "licence":
        licence = Licence.objects.filter(slug=value).first()
        if licence:
            values["licence"] = str(licence.pk)
    elif kind == "frequency" and value:
        values["frequency"] = value
    elif kind == "territory":
        level, _sep, code = value.partition(":")
        territory = Territory.objects.filter(level=level, code=code).first()
        if territory is None:
            return
        if level == Territory.Level.COMMUNE:
            communes = split_list(values.get("communes", ""))
            label = f"{territory.name} ({territory.code})"
            if label not in communes:
                values["communes"] = ", ".join([*communes, label])
        else:
            field = "epci" if level == Territory.Level.EPCI else "departements"
            if str(territory.pk) not in values.get(field, []):
                values[field] = [*values.get(field, []), str(territory.pk)]


def columns_of(dataset) -> list[services.Column]:
    """Column names and sample values (frequent values, minimum, maximum, from the column
    profiles) of the dataset's loaded tables: what the data says about its subject and
    place. Nothing is read from the Parquet files."""
    from datasud.datastore.models import Table

    if dataset is None:
        return []
    tables = Table.objects.filter(load__resource__dataset=dataset, load__is_current=True)
    columns = []
    for table in tables.only("profile")[:5]:
        for profile in (table.profile or [])[:100]:
            values = [str(v.get("value")) for v in profile.get("top_values") or []]
            values += [str(profile[k]) for k in ("min", "max") if profile.get(k) is not None]
            columns.append(services.Column(str(profile.get("name", "")), values[:20]))
    return columns


def organisation_slug(values: dict) -> str:
    """The slug of the organisation chosen in the form (its value is a primary key)."""
    pk = str(values.get("organisation") or "")
    if not pk.isdigit():
        return ""
    return Organisation.objects.filter(pk=int(pk)).values_list("slug", flat=True).first() or ""


def suggestions_for(values: dict, columns: list | None = None) -> dict:
    """The panel's content: the suggestions, or why there are none."""
    title = (values.get("title") or "").strip()
    if not title:
        return {"error": _("Donnez d'abord un titre : les suggestions partent du titre et "
                           "de la description.")}
    try:
        return {"result": services.suggest(title[:300],
                                           (values.get("description") or "")[:20_000],
                                           columns, organisation_slug(values))}
    except services.SuggestionsUnavailable:
        return {"error": _("Les suggestions sont momentanément indisponibles.")}


def form_with_suggestions(request, form_class: type[forms.Form], **form_kwargs):
    """(unbound form holding what was typed, with the accepted suggestion; panel)."""
    values = posted_values(form_class, request.POST)
    if ACCEPT in request.POST:
        apply(values, request.POST[ACCEPT])
    form = form_class(initial=values, **form_kwargs)
    return form, suggestions_for(values, columns_of(form_kwargs.get("dataset")))
