"""Pages that belong to no single domain: the home page and the error pages."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Organisation, Reuse, Theme
from datasud.search.services import SearchQuery, count_datasets

LATEST_DATASETS = 6


def key_figures(datasets: int | None = None) -> dict[str, int]:
    """The platform's figures as the home page shows them, counted live, never typed in.

    `datasets`, if given, is the number of public datasets as the catalogue's search
    counts them (the home page has it already)."""
    if datasets is None:
        # Archived datasets stay reachable but are no longer maintained: not counted.
        datasets = Dataset.objects.public().active().count()
    # Producers too: an organisation whose datasets are all archived publishes no more.
    producers = Organisation.objects.filter(
        id__in=Dataset.objects.public().active().values("organisation_id"))
    return {
        "partners": Organisation.objects.partners().count(),
        "producers": producers.count(),
        "datasets": datasets,
        "reuses": Reuse.objects.visible_to(None).count(),
    }


def latest_datasets(count: int = LATEST_DATASETS) -> list[Dataset]:
    """The most recently published public datasets (read down the index of publication
    dates, not sorted out of the whole catalogue)."""
    public = (Dataset.objects.public().active().select_related("organisation")
              .prefetch_related("themes"))
    latest = list(public.filter(published_at__isnull=False)
                  .order_by("-published_at", "-created_at", "-id")[:count])
    if len(latest) < count:  # published before publication dates were kept
        latest += public.filter(published_at__isnull=True).order_by(
            "-created_at", "-id")[:count - len(latest)]
    return latest


def home(request: HttpRequest) -> HttpResponse:
    themes = list(Theme.objects.all())
    # The themes' counts and the total as the search page counts them: from the search
    # index's running totals, cached for anonymous visitors (see `datasud.search`).
    total, facets = count_datasets(AnonymousUser(), SearchQuery(),
                                   facet_limit=max(len(themes), 1))
    counts = {value.value: value.count for value in facets.get("theme", [])}
    for theme in themes:
        theme.public_count = counts.get(theme.slug, 0)
    return render(request, "web/home.html", {
        "figures": key_figures(datasets=total), "themes": themes,
        "latest": latest_datasets(),
    })


def error_page(request: HttpRequest, status: int, title: str, message: str,
               minimal: bool = False) -> HttpResponse:
    """The error page of the platform (also used by `catalog.middleware` for HTTP 413).

    `minimal` leaves out what needs the database or the session (user menu, language
    form), for the 500 page, which must render even when the database is down.
    """
    return render(request, "web/error.html", {
        "status": status, "title": title, "message": message, "minimal": minimal,
    }, status=status)


# Error handlers, set in the root urlconf (handler400 = "datasud.web.views.bad_request"...).

def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 400, _("Requête incorrecte"),
                      _("La requête envoyée n'a pas pu être comprise."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 403, _("Accès refusé"),
                      _("Vous n'avez pas le droit d'accéder à cette page ou d'effectuer "
                        "cette action. Si vous pensez que c'est une erreur, contactez "
                        "l'administrateur de votre organisation."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 404, _("Page introuvable"),
                      _("Cette page n'existe pas, ou plus, ou n'est pas visible avec votre "
                        "compte. Vérifiez l'adresse ou utilisez la recherche."))


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, _("Erreur du serveur"),
                      _("Une erreur inattendue s'est produite. L'équipe DataSud en a été "
                        "informée ; réessayez dans quelques instants."), minimal=True)
