from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "datasud.search"
    label = "search"
