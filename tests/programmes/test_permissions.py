"""An applicant reads and follows only their own organisation's applications: through no
page and no API operation can they read another's (it answers exactly like one that does
not exist), nor instruct any."""
import pytest
from django.test import Client
from django.urls import reverse

from datasud.programmes import services
from datasud.programmes.models import Application


@pytest.fixture
def mine(open_call, company, applicant, answers):
    return services.apply(applicant, open_call, company, answers)


@pytest.fixture
def theirs(open_call, rival, rival_member):
    return services.apply(rival_member, open_call, rival,
                          {"projet": "Projet confidentiel de la rivale"})


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_applications_page_lists_only_my_organisations(mine, theirs, applicant):
    page = _signed_in(applicant).get(reverse("programmes:my_applications"))
    assert page.status_code == 200
    assert "Boulangerie Durance" in page.text
    assert "Menuiserie Rivale" not in page.text


def test_anothers_application_page_is_a_404_like_a_missing_one(mine, theirs, applicant):
    client = _signed_in(applicant)
    assert client.get(reverse("programmes:application", args=[mine.pk])).status_code == 200
    hidden = client.get(reverse("programmes:application", args=[theirs.pk]))
    missing = client.get(reverse("programmes:application", args=[theirs.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert "confidentiel" not in hidden.text


def test_the_call_page_shows_only_my_applications(mine, theirs, applicant, open_call):
    page = _signed_in(applicant).get(open_call.get_absolute_url())
    assert "Boulangerie Durance" in page.text
    assert "Menuiserie Rivale" not in page.text


def test_anonymous_visitors_are_sent_to_sign_in(mine):
    client = Client()
    for url in (reverse("programmes:my_applications"),
                reverse("programmes:application", args=[mine.pk]),
                reverse("programmes:instruction")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_instruction_list_is_for_staff(mine, theirs, applicant, instructor):
    assert _signed_in(applicant).get(reverse("programmes:instruction")).status_code == 403
    page = _signed_in(instructor).get(reverse("programmes:instruction"))
    assert page.status_code == 200
    assert "Boulangerie Durance" in page.text and "Menuiserie Rivale" in page.text


def test_applicants_cannot_move_applications_through_the_page(mine, theirs, applicant):
    client = _signed_in(applicant)
    own = client.post(reverse("programmes:application_move", args=[mine.pk]),
                      {"to_status": "under_review"})
    other = client.post(reverse("programmes:application_move", args=[theirs.pk]),
                        {"to_status": "rejected"})
    assert own.status_code == 403
    assert other.status_code == 404
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}


def test_staff_move_through_the_page_and_invalid_moves_are_400(mine, instructor):
    client = _signed_in(instructor)
    url = reverse("programmes:application_move", args=[mine.pk])
    bad = client.post(url, {"to_status": "completed"})
    assert bad.status_code == 400
    good = client.post(url, {"to_status": "under_review", "comment": "Dossier complet"})
    assert good.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "under_review"


def test_api_lists_only_my_organisations_applications(mine, theirs, applicant, client_as):
    body = client_as(applicant).get("/api/1/programmes/applications/").json()
    assert [a["organisation"] for a in body["data"]] == ["boulangerie"]
    assert body["total"] == 1


def test_api_detail_of_anothers_application_is_a_404(mine, theirs, applicant, client_as):
    client = client_as(applicant)
    assert client.get(f"/api/1/programmes/applications/{mine.pk}/").status_code == 200
    hidden = client.get(f"/api/1/programmes/applications/{theirs.pk}/")
    missing = client.get(f"/api/1/programmes/applications/{theirs.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_api_history_names_nobody(mine, applicant, client_as):
    body = client_as(applicant).get(f"/api/1/programmes/applications/{mine.pk}/").json()
    assert body["history"][0]["to_status"] == "submitted"
    assert "'applicant'" not in str(body)
    assert "applicant@example.org" not in str(body)
    assert "by" not in body["history"][0]


def test_api_applications_need_a_token(mine):
    assert Client().get("/api/1/programmes/applications/").status_code == 401
    assert Client().get(f"/api/1/programmes/applications/{mine.pk}/").status_code == 401


def test_api_moves_are_for_staff(mine, theirs, applicant, instructor, client_as):
    url = f"/api/1/programmes/applications/{mine.pk}/moves/"
    refused = client_as(applicant).post(url, {"to_status": "under_review"},
                                        content_type="application/json")
    assert refused.status_code == 403
    hidden = client_as(applicant).post(f"/api/1/programmes/applications/{theirs.pk}/moves/",
                                       {"to_status": "rejected"},
                                       content_type="application/json")
    assert hidden.status_code == 404
    invalid = client_as(instructor).post(url, {"to_status": "completed"},
                                         content_type="application/json")
    assert invalid.status_code == 400
    assert "Passage impossible" in invalid.json()["detail"]
    done = client_as(instructor).post(url, {"to_status": "under_review"},
                                      content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "under_review"


def test_staff_see_every_application_in_the_api(mine, theirs, instructor, client_as):
    body = client_as(instructor).get("/api/1/programmes/applications/").json()
    assert body["total"] == 2


def test_public_programme_pages_show_no_application_content(mine, theirs, coach):
    for url in (reverse("programmes:index"), reverse("programmes:key_figures"),
                coach.get_absolute_url(), "/api/1/programmes/",
                f"/api/1/programmes/{coach.slug}/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "confidentiel" not in response.text
        assert "Site vitrine" not in response.text
        assert "rivalmember" not in response.text


def test_participant_pages_show_only_engaged_applications(psst, epci, epci_member, instructor):
    application = services.apply(epci_member, psst.calls.get(), epci, {"projet": "Capteurs"})
    url = reverse("programmes:participant", args=[psst.slug, epci.slug])
    assert Client().get(url).status_code == 404  # submitted: not public
    services.move(instructor, application, "under_review")
    services.move(instructor, application, "accepted")
    page = Client().get(url)
    assert page.status_code == 200 and "Capteurs" in page.text
