"""`{% related_datasets dataset %}`: the "related datasets" section of a dataset page."""

from django import template

from datasud.discovery.related import related_datasets as find_related

register = template.Library()


@register.inclusion_tag("discovery/includes/related.html", takes_context=True)
def related_datasets(context, dataset):
    request = context.get("request")
    user = getattr(request, "user", None)
    # Never wait for the first build of the process: the section shows once it is ready.
    related = find_related(user, dataset, wait=False)
    return {"related": related, "ready": related is not None, "dataset": dataset}
