from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "datasud.intelligence"
    label = "intelligence"
    verbose_name = "Suggestions de métadonnées"
