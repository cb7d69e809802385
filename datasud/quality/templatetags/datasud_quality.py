"""The quality score and link checks on the dataset page.

{% load datasud_quality %}
{% dataset_quality dataset can_edit as quality %}   (once, before the resources)
{% link_status quality resource %}                  (in the resource list)
{% include "quality/dataset_panel.html" %}          (the score, advice for producers)
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from datasud.catalog.models import Dataset, Resource

from ..criteria import Report
from ..models import LinkCheck
from ..services import report_for

register = template.Library()


@dataclass
class DatasetQuality:
    report: Report
    #: Producers (editors of the dataset) and staff see the advice; everybody the score.
    show_advice: bool
    links: dict[str, LinkCheck]

    @property
    def score(self) -> int:
        return self.report.score

    @property
    def level(self) -> str:
        return level(self.report.score)


# Lowest scores of the "good" and "medium" colours of the badge; below: "low".
GOOD_SCORE = 80
MEDIUM_SCORE = 50


def level(score: int) -> str:
    """A word for the score's colour: low, medium, good."""
    return "good" if score >= GOOD_SCORE else "medium" if score >= MEDIUM_SCORE else "low"


@register.simple_tag
def dataset_quality(dataset: Dataset, show_advice: bool = False) -> DatasetQuality:
    urls = [r.url for r in dataset.resources.all() if r.kind == Resource.Kind.URL and r.url]
    links = (
        {
            check.url: check
            for check in LinkCheck.objects.filter(url__in=urls[:500], checked_at__isnull=False)
        }
        if urls
        else {}
    )
    return DatasetQuality(report_for(dataset), bool(show_advice), links)


@register.inclusion_tag("quality/link_status.html")
def link_status(quality: DatasetQuality | None, resource: Resource) -> dict:
    check = None
    if quality is not None and resource.kind == Resource.Kind.URL:
        check = quality.links.get(resource.url)
    return {
        "check": check if check is not None and check.broken else None,
        "show_details": bool(quality and quality.show_advice),
    }


@register.filter
def quality_level(score) -> str:
    try:
        return level(int(score))
    except (TypeError, ValueError):
        return "low"
