"""Pages that belong to no single domain: the home page and the error pages."""
from __future__ import annotations

from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Organisation, Reuse, Theme

LATEST_DATASETS = 6


def key_figures() -> dict[str, int]:
    """The platform's figures as the home page shows them, counted live, never typed in."""
    return {
        "partners": Organisation.objects.partners().count(),
        "producers": Organisation.objects.producers().count(),
        # Archived datasets stay reachable but are no longer maintained: not counted.
        "datasets": Dataset.objects.public().active().count(),
        "reuses": Reuse.objects.visible_to(None).count(),
    }


def home(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.annotate(
        public_count=Count("datasets",
                           filter=Q(datasets__in=Dataset.objects.public().active()))
    )
    latest = (Dataset.objects.public().active().select_related("organisation")
              .prefetch_related("themes")
              .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-id")
              [:LATEST_DATASETS])
    return render(request, "web/home.html", {
        "figures": key_figures(), "themes": themes, "latest": latest,
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
