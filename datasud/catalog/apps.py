from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "datasud.catalog"
    label = "catalog"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - the history of deleted accounts
