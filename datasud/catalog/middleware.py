"""Upload size limit for every surface (pages and API): the check streams with the upload
and a request that is too big gets HTTP 413 before anything is stored."""
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.response import SimpleTemplateResponse

from .uploads import UploadTooLarge, install_upload_limit


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            install_upload_limit(request)
            if request.content_type == "multipart/form-data":
                # CsrfViewMiddleware reads the form before any view runs, where an exception
                # would not reach process_exception: parse it here, where we can answer 413.
                try:
                    request.POST  # noqa: B018
                except UploadTooLarge as exc:
                    return upload_too_large_response(request, exc)
                except MultiPartParserError as exc:
                    return malformed_upload_response(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UploadTooLarge):
            return None
        return upload_too_large_response(request, exception)


def _error_response(request, status: int, title: str, message: str, **extra):
    """JSON for the API, the site's error page for everything else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, **extra}, status=status)
    context = {"status": status, "title": title, "message": message}
    return SimpleTemplateResponse("web/error.html", context, status=status).render()


def upload_too_large_response(request, exception: UploadTooLarge):
    return _error_response(request, 413, "Fichier trop volumineux", str(exception),
                           limit=exception.limit)


def malformed_upload_response(request, exception: MultiPartParserError):
    return _error_response(request, 400, "Requête invalide",
                           f"Envoi de fichier mal formé : {exception}")
