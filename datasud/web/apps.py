from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared layout, templates, static assets and the pages that belong to no single domain."""
    name = "datasud.web"
    label = "web"
