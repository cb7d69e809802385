"""The dataset page: metadata, description, resources, reuses and history."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from datasud.catalog.models import Activity, Dataset, Resource, Reuse
from datasud.catalog.services import TRACKED_FIELDS, TRACKED_RELATIONS, harvest_source_name
from datasud.dcat.views import with_rdf_negotiation
from datasud.territories.models import Territory

HISTORY_LIMIT = 50
LEVEL_ORDER = {level: i for i, level in enumerate(
    [Territory.Level.REGION, Territory.Level.DEPARTEMENT, Territory.Level.EPCI,
     Territory.Level.COMMUNE])}


def _field_labels() -> dict[str, str]:
    labels = {name: Dataset._meta.get_field(name).verbose_name
              for name in TRACKED_FIELDS + TRACKED_RELATIONS}
    for name in ("title", "description", "format", "url"):
        labels[f"resource.{name}"] = Resource._meta.get_field(name).verbose_name
    return labels


@dataclass
class HistoryEntry:
    when: object
    action: str
    who: str
    resource: str = ""
    fields: list[str] = field(default_factory=list)


def _author(activity: Activity) -> str:
    if activity.actor is not None:
        return activity.actor.get_full_name() or activity.actor.get_username()
    if activity.actor_deleted:
        return str(_("compte supprimé"))
    return str(_("import ou traitement automatique"))


def history(dataset: Dataset, show_people: bool) -> list[HistoryEntry]:
    """The latest entries of the dataset's history, as the page shows them.

    The public history names the producer organisation; its members and staff see who
    made each change (see docs/architecture.md, "Data and personal data").
    """
    labels = _field_labels()
    entries = []
    activities = dataset.activities.select_related("actor")[:HISTORY_LIMIT]
    for activity in activities:
        changes = dict(activity.changes) if isinstance(activity.changes, dict) else {}
        resource = str(changes.pop("resource", "") or "")
        prefix = "resource." if resource else ""
        if activity.action == Activity.Action.CREATED:
            fields = []  # a creation sets everything: listing it says nothing
        else:
            fields = [str(labels.get(prefix + name, name)) for name in changes]
        who = _author(activity) if show_people else dataset.organisation.name
        entries.append(HistoryEntry(when=activity.created_at,
                                    action=activity.get_action_display(), who=who,
                                    resource=resource, fields=fields))
    return entries


# The page's URI is also the dataset's RDF URI (content negotiation, ?format=ttl...).
@with_rdf_negotiation
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Invisible and unknown datasets are both 404: a private dataset's existence never leaks.
    dataset = get_object_or_404(
        Dataset.objects.visible_to(request.user).select_related("organisation", "licence"),
        slug=slug,
    )
    can_edit = Dataset.objects.editable_by(request.user).filter(pk=dataset.pk).exists()
    territories = sorted(dataset.territories.all(),
                         key=lambda t: (LEVEL_ORDER.get(t.level, 9), t.name))
    reuses = Reuse.objects.visible_to(request.user).filter(datasets=dataset).distinct()
    return render(request, "catalog/dataset_detail.html", {
        "dataset": dataset,
        "can_edit": can_edit,
        "themes": dataset.themes.all(),
        "tags": dataset.tags.all(),
        "territories": territories,
        "resources": dataset.resources.all(),
        "reuses": reuses,
        "history": history(dataset, show_people=can_edit),
        "harvest_source": harvest_source_name(dataset),
    })
