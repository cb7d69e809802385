from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "datasud.programmes"
    verbose_name = _("Programmes régionaux")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the publication refresh
