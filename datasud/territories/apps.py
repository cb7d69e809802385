from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "datasud.territories"
    label = "territories"
