from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "datasud.employment"
    label = "employment"
    verbose_name = _("Emploi et formation")
