"""Included at /moissonnage/."""
app_name = "harvest"
urlpatterns: list = []
