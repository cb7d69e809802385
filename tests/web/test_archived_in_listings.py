"""Archived datasets in the lists of organisations and territories (found by a QA pass on the
demo: an agglomeration whose 520 datasets were all archived showed "520 jeux de données
publics", and its page opened on archived datasets)."""
import datetime as dt

from django.urls import reverse

ARCHIVED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_lists_count_maintained_datasets_only(client, make_dataset, organisation,
                                              territories):
    kept = make_dataset("Horaires des bus")
    kept.territories.add(territories["departement"])
    for n in range(3):
        old = make_dataset(f"Horaires {2015 + n}", archived_at=ARCHIVED)
        old.territories.add(territories["departement"])

    response = client.get(reverse("catalog:organisations"))
    assert response.context["page"].object_list[0].public_count == 1
    assert "1 jeu de données public" in response.content.decode()

    response = client.get(reverse("territories:index"))
    assert [d.public_count for d in response.context["departements"]] == [1]


def test_pages_list_maintained_datasets_before_archived_ones(client, make_dataset,
                                                             organisation, territories):
    # The archived one is the most recently modified: it used to come first.
    kept = make_dataset("Horaires des bus",
                        modified_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    old = make_dataset("Horaires 2015", archived_at=ARCHIVED)
    for dataset in (kept, old):
        dataset.territories.add(territories["commune"])
    old.modified_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    old.save(update_fields=["modified_at"])

    response = client.get(reverse("catalog:organisation", args=[organisation.slug]))
    assert list(response.context["page"].object_list) == [kept, old]
    response = client.get(reverse("territories:detail", args=["commune", "04070"]))
    assert list(response.context["page"].object_list) == [kept, old]


def test_the_organisation_page_says_how_many_of_its_datasets_are_archived(
        client, make_dataset, organisation):
    make_dataset("Horaires des bus")
    url = reverse("catalog:organisation", args=[organisation.slug])
    assert "archivé" not in client.get(url).content.decode()
    make_dataset("Horaires 2015", archived_at=ARCHIVED)
    html = client.get(url).content.decode()
    assert "Jeux de données (2)" in html
    assert "Dont 1 archivé (plus maintenu), listé après les autres." in html
    make_dataset("Horaires 2016", archived_at=ARCHIVED)
    assert "Dont 2 archivés (plus maintenus)" in client.get(url).content.decode()
