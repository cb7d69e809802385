from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "datasud.geo"
    label = "geo"
    verbose_name = _("Données géographiques")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - queues geo loads, records their extent
