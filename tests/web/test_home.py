"""The home page's key figures are counted from the database, live."""
import datetime as dt
import re

from django.urls import reverse

from datasud.catalog.models import Dataset, Organisation, Reuse, Theme
from datasud.search import indexing


def figures(client) -> dict[str, int]:
    html = client.get(reverse("web:home")).content.decode()
    found = re.findall(
        r'data-figure="(\w+)">\s*<a[^>]*>\s*<span class="figure-value">([\d\s\u202f,.]+)<', html
    )
    return {name: int(re.sub(r"\D", "", value)) for name, value in found}


def test_key_figures_follow_the_data(client, db, make_dataset, organisation):
    assert figures(client) == {"datasets": 0, "producers": 0, "partners": 0, "reuses": 0}

    partner = Organisation.objects.create(name="Métropole", slug="metropole",
                                          partnership_signed_on=dt.date(2019, 1, 1))
    Organisation.objects.create(name="Partenaire sans données", slug="sans-donnees",
                                partnership_signed_on=dt.date(2020, 1, 1))
    make_dataset("Public de la ville")
    make_dataset("Second public de la ville")
    make_dataset("Public de la métropole", organisation=partner)
    make_dataset("Brouillon", status=Dataset.Status.DRAFT)
    make_dataset("Privé", private=True)
    make_dataset("Archivé", archived_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    Reuse.objects.create(title="Appli", slug="appli", url="https://example.org")
    Reuse.objects.create(title="Non publiée", slug="cachee", url="https://example.org",
                         published=False)

    assert figures(client) == {
        "datasets": 3,    # published, not private, not archived
        "producers": 2,   # the town and the metropolis have public datasets
        "partners": 2,    # convention signed, with or without data
        "reuses": 1,      # published only
    }


def test_producers_whose_datasets_are_all_archived_are_not_counted(client, make_dataset):
    # Found by a QA pass: "28 organisations productrices" counted two whose every dataset
    # was archived, while the datasets figure leaves archived ones out.
    retired = Organisation.objects.create(name="Ancien syndicat", slug="ancien-syndicat")
    make_dataset("Archivé", organisation=retired,
                 archived_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    make_dataset("Public de la ville")
    assert figures(client)["producers"] == 1


def test_home_lists_themes_and_latest_datasets(client, make_dataset, theme):
    other = Theme.objects.create(slug="environnement", name="Environnement",
                                 name_en="Environment")
    dataset = make_dataset("Qualité de l'air")
    dataset.themes.add(other)
    make_dataset("Brouillon invisible", status=Dataset.Status.DRAFT)
    html = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("catalog:search")}?theme=environnement"' in html
    assert f'?theme={theme.slug}"' in html
    assert "Qualité de l&#x27;air" in html
    assert "Brouillon invisible" not in html


def test_theme_counts_are_the_search_pages(client, make_dataset, theme):
    """Each theme shows how many public datasets the search page finds for it."""
    other = Theme.objects.create(slug="environnement", name="Environnement")
    made = [make_dataset("Qualité de l'air"), make_dataset("Pollens"),
            make_dataset("Brouillon", status=Dataset.Status.DRAFT),
            make_dataset("Archivé", archived_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))]
    for dataset in made:
        dataset.themes.add(other)
    indexing.reindex([dataset.pk for dataset in made])  # as the catalogue's services do
    html = client.get(reverse("web:home")).content.decode()
    shown = dict(re.findall(r'\?theme=([\w-]+)">.*?<span class="theme-count">(\d+)',
                            html, flags=re.S))
    assert shown["environnement"] == "2"
    assert shown[theme.slug] == str(Dataset.objects.public().active()
                                    .filter(themes=theme).count())
    search = client.get(reverse("catalog:search") + "?theme=environnement").content.decode()
    assert "2 jeux de données" in search


def test_favicon_ico_leads_to_the_platform_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("web/favicon.svg")
