"""Challenges and hackathons show the datasets they featured and the reuses they produced
through the catalogue's visibility rules, and count in their programme's figures."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from datasud.catalog.models import Dataset, Reuse
from datasud.programmes.indicators import programme_indicators
from datasud.programmes.models import Event


@pytest.fixture
def event(coach, make_dataset, editor):
    event = Event.objects.create(slug="hackathon", title="Hackathon mobilité", programme=coach,
                                 starts_on=dt.date(2025, 10, 4), ends_on=dt.date(2025, 10, 5))
    public = make_dataset("Pistes cyclables publiques")
    private = make_dataset("Comptages confidentiels", private=True)
    event.datasets.set([public, private])
    shown = Reuse.objects.create(title="Appli vélo", slug="appli-velo",
                                 url="https://example.org/velo")
    hidden = Reuse.objects.create(title="Brouillon d'appli", slug="brouillon",
                                  url="https://example.org/b", published=False)
    event.reuses.set([shown, hidden])
    return event


def test_the_event_page_shows_only_what_the_visitor_may_see(event, editor):
    page = Client().get(event.get_absolute_url())
    assert page.status_code == 200
    assert "Pistes cyclables publiques" in page.text and "Appli vélo" in page.text
    assert "Comptages confidentiels" not in page.text
    assert "Brouillon d" not in page.text
    member = Client()
    member.force_login(editor)  # a member of the private dataset's organisation
    assert "Comptages confidentiels" in member.get(event.get_absolute_url()).text


def test_events_are_listed_and_counted(event, coach):
    assert "Hackathon mobilité" in Client().get(reverse("programmes:events")).text
    figures = {i.key: i.value for i in programme_indicators(coach) if not i.period}
    assert figures["events"] == 1
    assert figures["events.datasets"] == 1  # the private one is not counted
    assert figures["events.reuses"] == 1
    assert Dataset.objects.count() == 2


def test_an_event_cannot_end_before_it_starts(coach):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(slug="x", title="x", starts_on=dt.date(2025, 1, 2),
                             ends_on=dt.date(2025, 1, 1))


def test_the_events_api_shows_only_public_datasets_and_published_reuses(event, editor,
                                                                         client_as):
    listed = Client().get("/api/1/programmes/events/").json()
    assert listed["total"] == 1
    [item] = listed["data"]
    assert (item["slug"], item["programme"], item["kind"]) == ("hackathon", "coach-digital",
                                                               "hackathon")
    assert (item["dataset_count"], item["reuse_count"]) == (1, 1)
    assert item["page_url"].endswith("/programmes/evenements/hackathon/")
    for client in (Client(), client_as(editor)):  # the same for a member of the private one
        detail = client.get("/api/1/programmes/events/hackathon/").json()
        assert [d["title"] for d in detail["datasets"]] == ["Pistes cyclables publiques"]
        assert [r["slug"] for r in detail["reuses"]] == ["appli-velo"]
        assert detail["reuses"][0]["url"] == "https://example.org/velo"
    assert Client().get("/api/1/programmes/events/", {"kind": "challenge"}).json()[
        "total"] == 0
    assert Client().get("/api/1/programmes/events/", {"programme": "autre"}).json()[
        "total"] == 0
    missing = Client().get("/api/1/programmes/events/inconnu/")
    assert missing.status_code == 404 and missing.json()["detail"] == "Événement introuvable."
    assert Client().get("/api/1/programmes/events/", {"kind": "x"}).status_code == 422
    schema = Client().get("/api/1/openapi.json").json()["components"]["schemas"]
    assert {"EventOut", "EventDetail", "StepOut"} <= set(schema)


def test_the_key_figures_page_lists_the_events(event):
    page = Client().get(reverse("programmes:key_figures"))
    assert page.status_code == 200
    assert "Défis et hackathons" in page.text and "Hackathon mobilité" in page.text
    assert "Comptages confidentiels" not in page.text


def test_events_is_a_reserved_programme_slug(db):
    from django.core.exceptions import ValidationError

    from datasud.programmes.models import Programme

    with pytest.raises(ValidationError, match="réservé"):
        Programme(slug="events", name="x").full_clean()
