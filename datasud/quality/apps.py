from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "datasud.quality"
    label = "quality"
    verbose_name = _("Qualité des métadonnées et liens")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - recompute the score when what it reads changes
