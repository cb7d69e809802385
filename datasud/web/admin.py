"""The Django admin is DataSud's staff back-office; each app registers its own models."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = "DataSud — administration"
admin.site.site_title = "DataSud"
admin.site.index_title = _("Back-office de l'équipe DataSud")
