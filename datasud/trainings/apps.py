from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "datasud.trainings"
    label = "trainings"
    verbose_name = _("Offres de formation")
