from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "datasud.discovery"
    label = "discovery"
    verbose_name = _("Découverte des données")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - indexes the columns of each new current version
