"""Related datasets: scores and reasons, permissions, freshness, page and API."""

import time

import pytest
from django.utils import timezone

from datasud.catalog.models import Dataset, Organisation, Tag, Theme
from datasud.discovery.related import related_datasets

FILLERS = [
    "Qualité de l'air",
    "Horaires des bus",
    "Délibérations du conseil",
    "Arbres d'alignement",
    "Défibrillateurs",
    "Marchés publics",
    "Parkings",
    "Écoles élémentaires",
    "Subventions",
    "Bornes de recharge électrique",
    "Cimetières",
    "Équipements sportifs",
]


@pytest.fixture
def catalogue(make_dataset, referential, theme):
    other = Organisation.objects.create(name="Métropole Nice Côte d'Azur", slug="nca")
    culture = Theme.objects.create(slug="culture", name="Culture")

    def make(title, *, tags=(), themes=(), territories=(), **fields):
        dataset = make_dataset(title, **fields)
        dataset.tags.set([Tag.objects.get_or_create(name=n)[0] for n in tags])
        dataset.themes.set(themes)
        dataset.territories.set([referential[code] for code in territories])
        return dataset

    # Other subjects, so that the words' IDF is that of a catalogue, not of a handful.
    for n, title in enumerate(FILLERS):
        make(title, organisation=other, slug=f"autre-{n}")
    return {
        "subject": make(
            "Pistes cyclables",
            tags=["velo", "pistes-cyclables"],
            themes=[theme],
            territories=["06088"],
            slug="pistes-nice",
            description="Le réseau des pistes cyclables et voies vertes.",
        ),
        "content": make(
            "Aménagements cyclables : pistes et bandes",
            organisation=other,
            tags=["velo", "pistes-cyclables"],
            slug="amenagements",
            description="Pistes cyclables, bandes et voies vertes.",
        ),
        "territory": make(
            "Musées municipaux",
            organisation=other,
            themes=[culture],
            territories=["06088"],
            slug="musees-nice",
        ),
        "producer": make("Budget primitif 2024", slug="budget"),
        "unrelated": make(
            "Budget des musées",
            organisation=other,
            themes=[culture],
            territories=["13055"],
            slug="budget-marseille",
        ),
        "private": make(
            "Comptages vélo des pistes cyclables",
            tags=["velo"],
            private=True,
            slug="comptages-prives",
        ),
        "archived": make(
            "Pistes cyclables 2012",
            tags=["velo", "pistes-cyclables"],
            slug="pistes-2012",
            archived_at=timezone.now(),
        ),
    }


def slugs(items):
    return [item.dataset.slug for item in items]


def test_related_by_content_territory_and_producer_with_reasons(catalogue):
    items = related_datasets(None, catalogue["subject"])
    assert slugs(items) == ["amenagements", "musees-nice", "budget"]
    reasons = {item.dataset.slug: [r.label for r in item.reasons] for item in items}
    assert reasons["amenagements"] == ["Mots-clés communs : pistes-cyclables, velo"]
    assert reasons["musees-nice"] == ["Même territoire : Nice"]
    assert reasons["budget"] == ["Même producteur"]
    assert items[0].score > items[1].score > items[2].score > 0


def test_private_drafts_and_archived_are_shown_only_to_who_may_see_them(
    catalogue, editor, outsider, staff
):
    for user in (None, outsider):
        assert "comptages-prives" not in slugs(related_datasets(user, catalogue["subject"]))
    for user in (editor, staff):
        items = related_datasets(user, catalogue["subject"])
        assert "comptages-prives" in slugs(items)
        reasons = [r.kind for r in items[slugs(items).index("comptages-prives")].reasons]
        assert reasons[:2] == ["tags", "producer"]
    assert all(
        "pistes-2012" not in slugs(related_datasets(user, catalogue["subject"]))
        for user in (None, editor, staff)
    )


def test_the_list_follows_the_catalogue(catalogue, make_dataset):
    assert "voies-vertes" not in slugs(related_datasets(None, catalogue["subject"]))
    make_dataset(
        "Voies vertes et pistes cyclables", slug="voies-vertes", description="Pistes cyclables."
    )
    assert "voies-vertes" in slugs(related_datasets(None, catalogue["subject"]))
    Dataset.objects.filter(slug="voies-vertes").update(private=True)
    assert "voies-vertes" not in slugs(related_datasets(None, catalogue["subject"]))
    # A draft is no more public than a private dataset, even with private unset.
    Dataset.objects.filter(slug="voies-vertes").update(private=False, status=Dataset.Status.DRAFT)
    assert "voies-vertes" not in slugs(related_datasets(None, catalogue["subject"]))
    Dataset.objects.filter(slug="voies-vertes").update(status=Dataset.Status.PUBLISHED)
    assert "voies-vertes" in slugs(related_datasets(None, catalogue["subject"]))


def test_api_by_slug_or_id(client, catalogue, editor):
    subject = catalogue["subject"]
    by_slug = client.get(f"/api/1/datasets/{subject.slug}/related/")
    assert by_slug.status_code == 200
    body = by_slug.json()
    assert [d["slug"] for d in body] == ["amenagements", "musees-nice", "budget"]
    assert body[1]["reasons"] == [{"kind": "territory", "label": "Même territoire : Nice"}]
    assert body[0]["page_url"].endswith("/jeux-de-donnees/amenagements/")
    assert client.get(f"/api/1/datasets/{subject.pk}/related/").json() == body
    private = catalogue["private"]
    assert client.get(f"/api/1/datasets/{private.slug}/related/").status_code == 404
    assert client.get(f"/api/1/datasets/{private.pk}/related/").status_code == 404
    assert client.get("/api/1/datasets/inconnu/related/").status_code == 404
    client.force_login(editor)
    assert client.get(f"/api/1/datasets/{private.slug}/related/").status_code == 200


def test_dataset_page_shows_them(client, catalogue):
    html = client.get(catalogue["subject"].get_absolute_url()).content.decode()
    assert "Jeux de données liés" in html
    assert 'href="/jeux-de-donnees/amenagements/"' in html
    assert "Même territoire : Nice" in html
    assert "comptages-prives" not in html
    lonely = client.get(catalogue["unrelated"].get_absolute_url()).content.decode()
    assert "Aucun jeu de données lié" not in lonely or "Jeux de données liés" in lonely


@pytest.mark.django_db(transaction=True)
def test_big_catalogues_are_built_in_a_thread_without_making_pages_wait(
    monkeypatch, make_dataset, referential
):
    from datasud.discovery import related

    monkeypatch.setattr(related, "BACKGROUND_BUILD", 2)
    subject = make_dataset("Pistes cyclables", slug="pistes")
    make_dataset("Pistes cyclables de Nice", slug="pistes-nice")
    make_dataset("Horaires des bus", slug="bus")
    # A page does not wait for the first build: nothing yet, then the list.
    assert related.related_datasets(None, subject, wait=False) is None
    for _ in range(200):
        if not related._index.building:
            break
        time.sleep(0.01)
    assert slugs(related.related_datasets(None, subject, wait=False))[0] == "pistes-nice"
    # Once builds are slow, a change is taken in by a thread; the old snapshot answers.
    related._index.build_seconds = 1.0
    related._index.built_at = related._index.checked_at = 0.0
    make_dataset("Pistes cyclables du Var", slug="pistes-var")
    assert "pistes-var" not in slugs(related.related_datasets(None, subject))
    for _ in range(200):
        if not related._index.building:
            break
        time.sleep(0.01)
    related._index.checked_at = 0.0
    assert "pistes-var" in slugs(related.related_datasets(None, subject))


def test_a_series_does_not_fill_the_list(catalogue, make_dataset):
    for year in (2020, 2021, 2022, 2023):
        make_dataset(f"Budget primitif {year}", slug=f"budget-{year}")
    items = related_datasets(None, catalogue["producer"])  # "Budget primitif 2024"
    series = [item for item in items if item.dataset.title.startswith("Budget primitif")]
    assert [item.dataset.slug for item in series] == ["budget-2023", "budget-2022"]
    assert all(item.reasons[0].label == "Même série, autre période" for item in series)
    assert all(len(item.reasons) <= 3 for item in items)
    assert "pistes-nice" in slugs(items)  # room left for the others
