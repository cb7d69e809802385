from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CkanConfig(AppConfig):
    name = "datasud.ckan"
    label = "ckan"
    verbose_name = _("API compatible CKAN")
