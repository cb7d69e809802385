from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "web"


class _Favicon(RedirectView):
    """Pages name the SVG icon; browsers and tools that ask for /favicon.ico find it too.
    Its address is read per request: the hashed name of the static manifest in
    production does not exist when the URLs are imported (before `collectstatic`)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("web/favicon.svg")


urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", _Favicon.as_view()),
]
