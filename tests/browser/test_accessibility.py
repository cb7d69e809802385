"""axe-core on the key pages: no serious or critical WCAG 2.1 A/AA violation (French public
sites follow the RGAA, which builds on WCAG 2.1)."""
import pytest
from django.urls import reverse

from datasud.catalog import services as catalog
from datasud.search import indexing
from datasud.territories.models import Territory
from tests.datastore.conftest import COMMUNES_CSV, upload  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(upload, make_dataset, editor, organisation, theme):  # noqa: F811
    dataset = make_dataset("Population des communes", description="Par **commune**.")
    dataset.themes.add(theme)
    resource = upload(dataset, "communes.csv", COMMUNES_CSV)
    reuse = catalog.create_reuse(editor, title="Carte des communes",
                                 url="https://example.org/carte", datasets=[dataset])
    Territory.objects.create(level="commune", code="04070", name="Digne-les-Bains")
    indexing.rebuild()
    return {"dataset": dataset, "resource": resource, "reuse": reuse}


def test_public_pages_have_no_serious_violation(axe_check, site, organisation):
    dataset = site["dataset"]
    resource_page = reverse("datastore:resource", args=[dataset.slug, site["resource"].pk])
    pages = [
        "/", reverse("catalog:search"), reverse("catalog:search") + "?q=communes",
        dataset.get_absolute_url(), resource_page,
        resource_page + "?chart_by=departement&chart_agg=count#graphique",
        reverse("catalog:organisations"), reverse("catalog:organisation",
                                                  args=[organisation.slug]),
        reverse("catalog:reuses"), reverse("catalog:reuse", args=[site["reuse"].slug]),
        reverse("territories:index"), reverse("territories:detail", args=["commune", "04070"]),
        reverse("accounts:login"),
    ]
    violations = [v for page in pages for v in axe_check(page)]
    assert violations == []


def test_producer_pages_have_no_serious_violation(axe_check, site, editor):
    dataset = site["dataset"]
    pages = [
        reverse("catalog:dataset_create"),
        reverse("catalog:dataset_edit", args=[dataset.slug]),
        reverse("catalog:resource_add", args=[dataset.slug]),
        reverse("accounts:account"),
    ]
    violations = [v for page in pages for v in axe_check(page, user=editor)]
    assert violations == []


def test_the_check_finds_a_violation(axe_check, db):
    """The same check on a page broken on purpose (an image without text alternative)."""
    violations = axe_check("/", before=(
        "document.querySelector('main').appendChild(document.createElement('img'))"
        ".src = '/static/web/favicon.svg'"))
    assert any("image-alt" in v for v in violations), violations
