from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DcatConfig(AppConfig):
    name = "datasud.dcat"
    label = "dcat"
    verbose_name = _("Données liées (DCAT-AP)")
