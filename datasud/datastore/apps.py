from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "datasud.datastore"
    label = "datastore"
    verbose_name = _("Entrepôt de données")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the catalogue signals
