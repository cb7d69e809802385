"""Included at /api/3/."""
app_name = "ckan"
urlpatterns: list = []
