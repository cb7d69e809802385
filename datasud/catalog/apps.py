from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "datasud.catalog"
    label = "catalog"
