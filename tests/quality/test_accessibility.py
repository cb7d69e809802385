"""axe-core on the quality pages (the dataset page's panel with advice, the dashboards):
no serious or critical WCAG 2.1 A/AA violation."""

import pytest
from django.urls import reverse

from datasud.catalog.models import Resource
from datasud.quality.models import LinkCheck
from datasud.quality.services import recompute

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_quality_pages_have_no_serious_violation(axe_check, make_dataset, editor, organisation):
    dataset = make_dataset("Arrêts de bus", description="Trop court.")
    resource = Resource.objects.create(
        dataset=dataset, title="Archive", kind="url", url="https://example.org/a.zip", format="zip"
    )
    LinkCheck.objects.create(
        url=resource.url,
        status_code=404,
        broken=True,
        checked_at=resource.created_at,
        broken_since=resource.created_at,
    )
    recompute([dataset.pk])
    pages = [
        dataset.get_absolute_url(),
        reverse("quality:organisation", args=[organisation.slug]),
        reverse("quality:organisation", args=[organisation.slug]) + "?tri=-titre",
        reverse("quality:index"),
    ]
    violations = [v for page in pages for v in axe_check(page, user=editor)]
    violations += axe_check(dataset.get_absolute_url())  # the public view of the panel
    assert violations == []
