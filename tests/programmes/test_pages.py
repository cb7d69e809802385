"""The programme pages in French: lists, dashboards, the Sud Labs directory with its
filters and map, place pages, applying through a call's form, demo data labelled."""
import pytest
from django.test import Client
from django.urls import reverse

from datasud.programmes.models import ActivityReport, Application


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_programme_pages_render(coach, psst, make_place):
    make_place(programme=coach, is_demo=True)
    client = Client()
    for url in (reverse("programmes:index"), reverse("programmes:key_figures"),
                coach.get_absolute_url(), psst.get_absolute_url(),
                coach.calls.get().get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="fr"' in response.text
    assert client.get(reverse("programmes:programme", args=["inconnu"])).status_code == 404


def test_demo_data_is_labelled(coach, make_place):
    coach.is_demo = True
    coach.save()
    place = make_place(programme=coach, is_demo=True)
    for url in (coach.get_absolute_url(), reverse("programmes:key_figures"),
                reverse("programmes:places"), place.get_absolute_url()):
        assert "Données de démonstration" in Client().get(url).text, url


def test_directory_filters_by_departement_and_service(make_place):
    make_place(nom="Lieu de Gap", departement="05",
               services="Aide aux démarches administratives")
    make_place(nom="Lieu de Nice", departement="06", commune="Nice",
               services="Loisirs et créations numériques|Aide aux démarches administratives")
    make_place(nom="Lieu de Digne", departement="04",
               services="Accès internet et matériel informatique")
    url = reverse("programmes:places")
    page = Client().get(url, {"departement": "06"})
    assert "Lieu de Nice" in page.text and "Lieu de Gap" not in page.text
    page = Client().get(url, {"service": "Aide aux démarches administratives"})
    assert "Lieu de Nice" in page.text and "Lieu de Gap" in page.text
    assert "Lieu de Digne" not in page.text
    page = Client().get(url, {"q": "digne"})
    assert "Lieu de Digne" in page.text and "Lieu de Nice" not in page.text
    assert "<svg" in page.text and "<circle" in page.text
    export = Client().get(reverse("programmes:places_export"), {"departement": "05"})
    assert export["Content-Type"].startswith("text/csv")
    assert "Lieu de Gap" in export.content.decode() and "Nice" not in export.content.decode()


def test_a_bad_filter_value_is_not_an_error(make_place):
    make_place()
    page = Client().get(reverse("programmes:places"), {"service": "Jardinage"})
    assert page.status_code == 200


def test_apply_through_the_calls_form(open_call, applicant, company):
    client = _signed_in(applicant)
    url = open_call.get_absolute_url()
    form = client.get(url)
    assert "Déposer la candidature" in form.text
    refused = client.post(url, {"organisation": company.pk, "q_projet": ""})
    assert refused.status_code == 400
    assert "Ce champ est obligatoire" in refused.text
    done = client.post(url, {"organisation": company.pk, "q_projet": "Boutique en ligne",
                             "q_themes": ["Cybersécurité"], "q_effectif": "3"})
    application = Application.objects.get()
    assert done.status_code == 302 and done["Location"] == application.get_absolute_url()
    assert application.answers == {"projet": "Boutique en ligne", "themes": ["Cybersécurité"],
                                   "effectif": 3}
    again = client.post(url, {"organisation": company.pk, "q_projet": "Encore"})
    assert again.status_code == 400 and "déjà candidaté" in again.text
    page = client.get(application.get_absolute_url())
    assert "Boutique en ligne" in page.text and "Déposée" in page.text


def test_a_closed_call_shows_no_form(closed_call, applicant, company):
    client = _signed_in(applicant)
    page = client.get(closed_call.get_absolute_url())
    assert "n'accepte pas de candidature" in page.text
    assert "Déposer la candidature" not in page.text
    client.post(closed_call.get_absolute_url(), {"organisation": company.pk, "q_projet": "x"})
    assert not Application.objects.exists()


def test_an_ineligible_organisation_is_told_why(psst, applicant, company):
    call = psst.calls.get()
    response = _signed_in(applicant).post(call.get_absolute_url(),
                                          {"organisation": company.pk, "q_projet": "x"})
    assert response.status_code == 400
    assert "pas éligible à cet appel, réservé à : Intercommunalité (EPCI)" in response.text


@pytest.fixture
def managed_place(make_place, company):
    return make_place(organisation=company)


def test_the_place_manager_reports_activity_on_the_page(managed_place, applicant):
    client = _signed_in(applicant)
    url = reverse("programmes:place_report", args=[managed_place.slug])
    negative = client.post(url, {"year": 2024, "business_owners": -3, "job_seekers": 1,
                                 "citizens": 1})
    assert negative.status_code == 400
    assert "ne peut pas être négatif" in negative.text
    assert not ActivityReport.objects.exists()
    done = client.post(url, {"year": 2024, "business_owners": 3, "job_seekers": 1,
                             "citizens": 1})
    assert done.status_code == 302
    assert "Chefs d&#x27;entreprise" in client.get(managed_place.get_absolute_url()).text \
        or "Chefs d'entreprise" in client.get(managed_place.get_absolute_url()).text


def test_others_cannot_report_for_a_place(managed_place, rival_member):
    url = reverse("programmes:place_report", args=[managed_place.slug])
    response = _signed_in(rival_member).post(url, {"year": 2024, "business_owners": 3,
                                                   "job_seekers": 1, "citizens": 1})
    assert response.status_code == 403
    assert Client().post(url, {"year": 2024}).status_code == 302  # to the sign-in page
    assert not ActivityReport.objects.exists()


def test_admin_actions_go_through_the_workflow(open_call, company, applicant, answers,
                                              staff):
    from datasud.programmes import services

    application = services.apply(applicant, open_call, company, answers)
    client = _signed_in(staff)
    url = reverse("admin:programmes_application_changelist")
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:programmes_application_change",
                              args=[application.pk])).status_code == 200
    # "accepted" is not a move from "submitted": refused, with the reason shown.
    refused = client.post(url, {"action": "move_accepted", "_selected_action": [application.pk]},
                          follow=True)
    assert "Passage impossible" in refused.text
    client.post(url, {"action": "move_under_review", "_selected_action": [application.pk]})
    application.refresh_from_db()
    assert application.status == "under_review"
    assert application.history.last().by == staff


def test_the_epci_map_draws_participants_from_their_communes(psst, epci, epci_member,
                                                             epci_territory, instructor):
    from datasud.programmes import services
    from datasud.territories.models import Territory

    square = {"type": "Polygon", "coordinates": [[[6.0, 44.5], [6.1, 44.5], [6.1, 44.6],
                                                  [6.0, 44.5]]]}
    commune = Territory.objects.create(level=Territory.Level.COMMUNE, code="05061",
                                       name="Gap", geometry=square)
    commune.parents.add(epci_territory)
    application = services.apply(epci_member, psst.calls.get(), epci, {"projet": "x"})
    services.move(instructor, application, "under_review")
    services.move(instructor, application, "accepted")
    page = Client().get(psst.get_absolute_url())
    assert '<path class="outline on" d="M' in page.text
    assert "<title>CA Gap-Tallard-Durance</title>" in page.text
    assert reverse("programmes:participant", args=[psst.slug, epci.slug]) in page.text
