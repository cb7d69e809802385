"""The /api/1/programmes/ operations: public programmes, indicators and places; applying,
instructing and reporting with their refusals as JSON 4xx."""
from datasud.programmes.models import ActivityReport, Application


def test_programmes_with_their_indicators(client, coach):
    body = client.get("/api/1/programmes/").json()
    assert [p["slug"] for p in body] == ["coach-digital"]
    detail = client.get("/api/1/programmes/coach-digital/").json()
    assert detail["calls"][0]["slug"] == "accompagnement" and detail["calls"][0]["is_open"]
    assert {"key": "applications.total", "label": "candidature reçue", "period": "",
            "value": 0} in detail["indicators"]
    missing = client.get("/api/1/programmes/inconnu/")
    assert missing.status_code == 404 and missing.json()["detail"] == "Programme introuvable."


def test_places_are_public_and_filtered(client, make_place):
    make_place(nom="Lieu A", departement="05", services="Aide aux démarches administratives")
    make_place(nom="Lieu B", departement="13")
    body = client.get("/api/1/programmes/places/", {"departement": "05"}).json()
    assert body["total"] == 1 and body["data"][0]["nom"] == "Lieu A"
    assert body["data"][0]["services"] == ["Aide aux démarches administratives"]
    place = client.get(f"/api/1/programmes/places/{body['data'][0]['slug']}/").json()
    assert place["id"] == "lieu-1" and place["reports"] == []
    assert client.get("/api/1/programmes/places/inconnu/").status_code == 404


def test_apply_through_the_api(open_call, applicant, company, client_as):
    url = "/api/1/programmes/coach-digital/calls/accompagnement/applications/"
    client = client_as(applicant)
    created = client.post(url, {"organisation": "boulangerie", "answers": {"projet": "x"}},
                          content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "submitted"
    again = client.post(url, {"organisation": "boulangerie", "answers": {"projet": "x"}},
                        content_type="application/json")
    assert again.status_code == 400
    assert again.json()["errors"] == [{"field": "organisation",
                                       "message": "« Boulangerie Durance » a déjà candidaté "
                                                  "à cet appel."}]
    unknown = client.post(url, {"organisation": "inconnue"}, content_type="application/json")
    assert unknown.status_code == 404
    assert Application.objects.count() == 1


def test_applying_to_a_closed_call_through_the_api_is_a_400(closed_call, applicant, company,
                                                             client_as):
    response = client_as(applicant).post(
        "/api/1/programmes/coach-digital/calls/ancien/applications/",
        {"organisation": "boulangerie", "answers": {"projet": "x"}},
        content_type="application/json")
    assert response.status_code == 400 and "clos depuis le" in response.json()["detail"]


def test_applying_for_another_organisation_is_a_403(open_call, applicant, rival, client_as):
    response = client_as(applicant).post(
        "/api/1/programmes/coach-digital/calls/accompagnement/applications/",
        {"organisation": "rivale", "answers": {"projet": "x"}}, content_type="application/json")
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_reports_through_the_api(make_place, company, applicant, rival_member, client_as):
    place = make_place(organisation=company)
    url = f"/api/1/programmes/places/{place.slug}/reports/"
    payload = {"year": 2024, "business_owners": 1, "job_seekers": 2, "citizens": 3}
    negative = client_as(applicant).post(url, {**payload, "citizens": -1},
                                         content_type="application/json")
    assert negative.status_code == 400
    assert negative.json()["errors"][0]["field"] == "citizens"
    assert client_as(rival_member).post(url, payload,
                                        content_type="application/json").status_code == 403
    done = client_as(applicant).post(url, payload, content_type="application/json")
    assert done.status_code == 201 and done.json()["citizens"] == 3
    assert ActivityReport.objects.count() == 1
