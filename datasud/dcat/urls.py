"""Included at the site root, before the catalogue's pages."""
app_name = "dcat"
urlpatterns: list = []
