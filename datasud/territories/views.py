"""Territory pages: the région, its départements and EPCI, and each territory with the
datasets covering it (declared on it, or on a territory containing it)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from datasud.catalog.models import Dataset
from datasud.web.pagination import paginate

from .models import Territory

Level = Territory.Level
SEARCH_RESULTS = 50
DATASETS_PER_PAGE = 20
ANCESTOR_DATASETS_SHOWN = 5
# Nearest first: a commune's page lists its EPCI's datasets before the région's.
ANCESTOR_ORDER = {Level.EPCI: 0, Level.DEPARTEMENT: 1, Level.REGION: 2}
SEARCH_ORDER = {Level.REGION: 0, Level.DEPARTEMENT: 1, Level.EPCI: 2, Level.COMMUNE: 3}


def _with_public_counts(territories: QuerySet) -> QuerySet:
    # Archived datasets are left out, as in search and the key figures.
    return territories.annotate(
        public_count=Count("datasets",
                           filter=Q(datasets__in=Dataset.objects.public().active()))
    )


def territory_index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    found = None
    if q:
        matches = Territory.objects.filter(name__icontains=q)
        found = sorted(matches[:SEARCH_RESULTS * 4],
                       key=lambda t: (SEARCH_ORDER.get(t.level, 9), t.name))[:SEARCH_RESULTS]
    territories = _with_public_counts(Territory.objects.exclude(level=Level.COMMUNE))
    return render(request, "territories/index.html", {
        "q": q,
        "found": found,
        "region": territories.filter(level=Level.REGION).first(),
        "departements": territories.filter(level=Level.DEPARTEMENT).order_by("code"),
        "epcis": territories.filter(level=Level.EPCI).order_by("name"),
    })


@dataclass
class AncestorDatasets:
    territory: Territory
    count: int
    datasets: list[Dataset]


def _ancestors(territory: Territory) -> list[Territory]:
    """The territories containing `territory` (parents, then their parents), nearest first."""
    parents = list(territory.parents.all())
    grandparents = Territory.objects.filter(children__in=parents).exclude(
        pk__in=[p.pk for p in parents]).distinct()
    ancestors = {t.pk: t for t in [*parents, *grandparents]}
    return sorted(ancestors.values(), key=lambda t: (ANCESTOR_ORDER.get(t.level, 9), t.name))


def _children(territory: Territory) -> dict[str, QuerySet]:
    """Sub-territories by kind: the région's départements and EPCI, a département's EPCI and
    communes, an EPCI's member communes."""
    children = territory.children.order_by("name")
    if territory.level == Level.REGION:
        return {"departements": children.filter(level=Level.DEPARTEMENT).order_by("code"),
                "epcis": children.filter(level=Level.EPCI)}
    if territory.level == Level.DEPARTEMENT:
        # EPCI hang from the région; a département's are those of its communes.
        epcis = Territory.objects.filter(level=Level.EPCI,
                                         children__parents=territory).distinct()
        return {"epcis": epcis.order_by("name"),
                "communes": children.filter(level=Level.COMMUNE)}
    if territory.level == Level.EPCI:
        return {"communes": children.filter(level=Level.COMMUNE)}
    return {}


def territory_detail(request: HttpRequest, level: str, code: str) -> HttpResponse:
    if level not in Level.values:
        raise Http404
    territory = get_object_or_404(Territory, level=level, code=code)
    visible = Dataset.objects.visible_to(request.user).select_related("organisation")
    ancestors = _ancestors(territory)
    # Maintained datasets first, archived ones (kept for the record) after them.
    own = visible.filter(territories=territory).prefetch_related("resources") \
        .order_by(F("archived_at").desc(nulls_first=True), "-modified_at", "-id")
    page, links = paginate(request, own, DATASETS_PER_PAGE)
    inherited = []
    for ancestor in ancestors:
        datasets = visible.filter(territories=ancestor).order_by(
            F("archived_at").desc(nulls_first=True), "-modified_at", "-id")
        inherited.append(AncestorDatasets(ancestor, datasets.count(),
                                          list(datasets[:ANCESTOR_DATASETS_SHOWN])))
    covering = visible.filter(territories__in=[territory, *ancestors]).distinct().count()
    return render(request, "territories/detail.html", {
        "territory": territory,
        "parents": sorted(territory.parents.all(),
                          key=lambda t: (ANCESTOR_ORDER.get(t.level, 9), t.name)),
        "children": _children(territory),
        "page": page,
        "pagination": links,
        "inherited": inherited,
        "covering_count": covering,
    })
