"""axe-core on the column search page and on a dataset page with related datasets: no
serious or critical WCAG 2.1 A/AA violation."""

import pytest

from tests.discovery.test_columns import ETABLISSEMENTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_discovery_pages_have_no_serious_violation(
    axe_check, make_dataset, referential, upload, theme
):
    dataset = make_dataset("Établissements publics", slug="etablissements")
    dataset.territories.set([referential["06088"]])
    upload(dataset, "etablissements.csv", ETABLISSEMENTS)
    other = make_dataset("Établissements scolaires", slug="ecoles")
    other.territories.set([referential["06088"]])
    violations = axe_check("/colonnes/?q=code+INSEE")
    violations += axe_check("/colonnes/")
    violations += axe_check(dataset.get_absolute_url())
    assert violations == []
