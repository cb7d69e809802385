"""Template filters of the catalogue pages: Markdown, excerpts, localised names."""
from django import template

from datasud.catalog.markdown import markdown_excerpt, render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Producers' Markdown as sanitised HTML (see `catalog.markdown`)."""
    return render_markdown(text)


@register.filter
def excerpt(text: str, length: int = 220) -> str:
    """The plain text of a Markdown description, cut to `length` characters."""
    return markdown_excerpt(text, int(length))


@register.filter
def localized_name(obj) -> str:
    """`name_en` of a theme when the page is in English and it has one, else `name`."""
    if hasattr(obj, "localized_name"):
        return obj.localized_name()
    return getattr(obj, "name", str(obj))


@register.filter
def resource_formats(dataset) -> list[str]:
    """The distinct formats of a dataset's resources, in order (uses the prefetch cache)."""
    formats: list[str] = []
    for resource in dataset.resources.all():
        if resource.format and resource.format not in formats:
            formats.append(resource.format)
    return formats
