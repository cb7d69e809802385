"""The public diagnostic wizard (/diagnostic-mobilite/): each step, bad inputs, the result
page, and saving with consent (codes only, secret link, deletion, expiry).

The pages read the engine through `services.current_engine()`; here it is the engine built
from the shipped referential files (the same tables `load_employment` publishes), so that
these tests need not load the datastore. `test_wizard_e2e.py` goes through the datastore.
"""
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from datasud.accounts import throttle
from datasud.employment import services, views
from datasud.employment.models import SavedDiagnostic
from datasud.employment.views import SAVES_PER_IP, SUGGESTIONS_PER_IP

WIZARD = "/diagnostic-mobilite/"
CASHIER, GROCER = "D1505", "D1106"  # Hôte / Hôtesse de caisse → Vendeur en épicerie


@pytest.fixture
def territories(db):
    call_command("load_territories", verbosity=0)


def text(response) -> str:
    return response.content.decode()


def errors(response) -> list[str]:
    return re.findall(r'class="errorlist"[^>]*><li>(.*?)</li>', text(response))


# --- step 1: the current job ----------------------------------------------------------

def test_first_step_explains_and_stores_nothing(wizard):
    response = wizard.get(WIZARD)
    assert response.status_code == 200
    page = text(response)
    assert '<label for="id_q">' in page and '<label for="id_code">' in page
    assert 'aria-current="step"' in page and "Rien n'est enregistré" in page
    assert 'id="donnees-personnelles"' in page
    assert not response.cookies.get("sessionid")


def test_free_text_gives_ranked_jobs_to_pick_from(wizard):
    response = wizard.get(WIZARD, {"q": "caissiere"})
    assert response.status_code == 200
    page = text(response)
    # Radio buttons in a fieldset, sent to step 2, the best match first and checked.
    form = page[page.index(f'action="{WIZARD}metier-vise/"'):]
    assert "<legend>Choisissez le métier le plus proche du vôtre" in form
    first = re.search(r'<input type="radio" name="actuel" value="(\w+)"[^>]*>', form)
    assert first.group(1) == CASHIER and "checked" in first.group(0)


def test_a_rome_code_goes_straight_to_step_two(wizard):
    response = wizard.get(WIZARD, {"q": "", "code": " d1505 "})
    assert response.status_code == 302
    assert response["Location"] == f"{WIZARD}metier-vise/?actuel={CASHIER}"


@pytest.mark.parametrize("params, status, message", [
    ({"q": "", "code": ""}, 400, "Décrivez un métier en quelques mots"),
    ({"q": "   "}, 400, "Décrivez un métier en quelques mots"),
    ({"q": "zzzzzz"}, 400, "Aucun métier ne correspond à « zzzzzz »"),
    ({"q": "x" * 201}, 400, "au plus 200 caractères"),
    ({"code": "A9999"}, 404, "Le code ROME A9999 n&#x27;existe pas"),
    ({"code": "pas un code"}, 400, "n&#x27;est pas un code ROME"),
])
def test_bad_input_on_step_one_is_explained(wizard, params, status, message):
    response = wizard.get(WIZARD, params)
    assert response.status_code == status
    assert any(message in error for error in errors(response)), errors(response)
    # The error summary links to the field.
    assert 'id="form-errors"' in text(response) and 'href="#id_' in text(response)


def test_type_ahead_suggests_appellations(wizard):
    url = reverse("employment:suggestions")
    page = text(wizard.get(WIZARD))
    assert f'data-suggest="{url}"' in page
    found = wizard.get(url, {"q": "caissi"}).json()["suggestions"]
    assert 1 <= len(found) <= 8 and found[0]["code_rome"] == CASHIER
    assert set(found[0]) == {"libelle", "code_rome"}
    # Too short, absurd or too long: an empty list, not an error.
    for q in ("c", "zzzzzz", "x" * 500, ""):
        response = wizard.get(url, {"q": q})
        assert response.status_code == 200 and response.json() == {"suggestions": []}


def test_type_ahead_is_rate_limited(wizard, monkeypatch):
    # The same limit, smaller: 300 requests would make a slow test.
    monkeypatch.setattr(views, "SUGGESTIONS_PER_IP",
                        throttle.Limit(SUGGESTIONS_PER_IP.scope, 3, 60))
    url = reverse("employment:suggestions")
    assert [wizard.get(url, {"q": "vendeur"}).status_code for _ in range(4)] == [
        200, 200, 200, 429]
    assert "Trop de requêtes" in wizard.get(url, {"q": "vendeur"}).json()["detail"]


# --- step 2: the target ---------------------------------------------------------------

def test_suggestions_list_nearby_jobs_with_their_reasons(wizard):
    response = wizard.get(f"{WIZARD}metier-vise/", {"actuel": CASHIER, "suggestions": "1"})
    assert response.status_code == 200
    page = text(response)
    section = page[page.index('id="propositions"'):]
    assert f'action="{WIZARD}competences/"' in section
    targets = re.findall(r'<input type="radio" name="cible" id="[^"]+" value="(\w+)"', section)
    assert len(targets) == 10
    # The current job travels on, and is not proposed as a target.
    assert f'<input type="hidden" name="actuel" value="{CASHIER}">' in section
    assert CASHIER not in targets
    assert "compétences et savoirs en commun" in section
    assert 'aria-describedby="raisons-' in section


def test_target_search_leaves_out_the_current_job(wizard):
    response = wizard.get(f"{WIZARD}metier-vise/", {"actuel": CASHIER, "q": "hotesse de caisse"})
    page = text(response)
    if response.status_code == 200:
        assert not re.search(rf'name="cible" value="{CASHIER}"', page)
        assert page.count(f'<input type="hidden" name="actuel" value="{CASHIER}">') == 2
    else:  # only the current job matched: said so
        assert response.status_code == 400 and "Seul votre métier actuel" in page


def test_target_equal_to_current_job_is_refused(wizard):
    response = wizard.get(f"{WIZARD}metier-vise/", {"actuel": CASHIER, "code": CASHIER})
    assert response.status_code == 400
    assert "Le métier visé est le métier actuel" in " ".join(errors(response))
    # Also when the address is typed by hand at the next steps.
    for step in ("competences/", "resultat/"):
        response = wizard.get(f"{WIZARD}{step}", {"actuel": CASHIER, "cible": CASHIER})
        assert response.status_code == 400
        assert "Le métier visé est le métier actuel" in text(response)
        assert f"metier-vise/?actuel={CASHIER}" in text(response)


def test_a_target_code_goes_to_the_skills_step(wizard):
    response = wizard.get(f"{WIZARD}metier-vise/", {"actuel": CASHIER, "code": GROCER})
    assert response.status_code == 302
    assert response["Location"] == f"{WIZARD}competences/?actuel={CASHIER}&cible={GROCER}"


def test_steps_without_their_inputs_send_back_to_the_start(wizard):
    assert wizard.get(f"{WIZARD}metier-vise/")["Location"] == WIZARD
    assert wizard.get(f"{WIZARD}competences/", {"actuel": CASHIER})["Location"] == (
        f"{WIZARD}metier-vise/?actuel={CASHIER}")
    assert wizard.get(f"{WIZARD}resultat/")["Location"] == WIZARD


@pytest.mark.parametrize("params, status, message", [
    ({"actuel": "A9999"}, 404, "Le code ROME A9999 n&#x27;existe pas"),
    ({"actuel": "<script>"}, 400, "n&#x27;est pas un code ROME"),
])
def test_unknown_current_job_in_the_address(wizard, params, status, message):
    for step in ("metier-vise/", "resultat/"):
        response = wizard.get(f"{WIZARD}{step}", params)
        assert response.status_code == status and message in text(response)
        assert "<script>" not in text(response)


# --- step 3: skills beyond one's job ----------------------------------------------------

def test_skills_step_groups_the_skills_to_acquire_core_first(wizard, shipped_engine):
    gap = shipped_engine.gap(CASHIER, GROCER)
    ticked = gap["competences_a_acquerir"][0]["code_ogr"]
    response = wizard.get(f"{WIZARD}competences/",
                          {"actuel": CASHIER, "cible": GROCER, "competences": ticked})
    assert response.status_code == 200
    page = text(response)
    legends = re.findall(r'<legend>([^<]+)', page)
    assert legends[0].startswith("Compétences cœur du métier visé")
    assert legends[-2].startswith("Savoirs") and legends[-1].startswith("Où vous êtes")
    boxes = re.findall(r'<input type="checkbox" name="competences" value="(\d+)"', page)
    expected = {s["code_ogr"] for s in gap["competences_a_acquerir"] + gap["savoirs_a_acquerir"]}
    assert set(boxes) == expected and len(boxes) == len(expected)
    # What was ticked stays ticked; transferable skills are not offered again.
    assert re.search(rf'value="{ticked}" id="competence-{ticked}" checked', page)
    assert not {s["code_ogr"] for s in gap["transferables"]} & set(boxes)
    assert f'<label for="competence-{ticked}">' in page


# --- the result -------------------------------------------------------------------------

def test_result_has_every_part_and_ticked_skills_count(wizard, shipped_engine):
    params = {"actuel": CASHIER, "cible": GROCER}
    plain = wizard.get(f"{WIZARD}resultat/", params)
    assert plain.status_code == 200
    page = text(plain)
    for anchor in ("ecart", "mobilites", "salaires", "tension", "emplois", "formations",
                   "suite", "enregistrer"):
        assert f'id="{anchor}"' in page, anchor
    share = round(shipped_engine.gap(CASHIER, GROCER)["part_couverte"] * 100)
    assert f'<progress id="couverture" max="100" value="{share}">{share} %</progress>' in page
    assert "Vendeur / Vendeuse en épicerie" in page and "R1Z60" in page
    assert "Source : DARES" in page and "2017-2019" in page
    assert "Provence-Alpes-Côte d&#x27;Azur" in page and "/5" in page
    assert 'href="https://mon-cep.org/"' in page and "moncompteformation.gouv.fr" in page
    assert "Résultat partiel" not in page

    extra = [s["code_ogr"] for s in shipped_engine.gap(CASHIER, GROCER)[
        "competences_a_acquerir"][:5]]
    more = text(wizard.get(f"{WIZARD}resultat/", {**params, "competences": extra}))
    more_share = int(re.search(r'<progress id="couverture" max="100" value="(\d+)"',
                               more).group(1))
    assert more_share > share
    assert "Compte tenu de 5 compétences que vous avez cochées" in more


def test_result_without_target_is_labelled_partial(wizard):
    response = wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER})
    assert response.status_code == 200
    page = text(response)
    assert "Résultat partiel" in page and "Aucun métier visé" in page
    assert 'id="mobilites"' in page and 'id="ecart"' not in page


def test_a_job_without_salary_figures_is_labelled_not_invented(wizard, shipped_engine):
    missing = sorted(code for code in shipped_engine.fiches
                     if not shipped_engine.salary(code)["complet"]
                     and shipped_engine.skills.by_fiche.get(code) and code != CASHIER)
    assert missing, "the shipped DARES table covers every fiche: pick another case"
    response = wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": missing[0]})
    assert response.status_code == 200
    page = text(response)
    assert "Résultat partiel" in page and "Pas de données de salaire pour ce métier" in page
    assert "Données de salaire non disponibles pour ce métier" in page
    assert "Salaire mensuel net médian" not in page


@pytest.mark.parametrize("params, status, message", [
    ({"cible": "A9999"}, 404, "Le code ROME A9999 n&#x27;existe pas"),
    ({"cible": GROCER, "competences": "0"}, 400, "Compétences inconnues : 0"),
    ({"cible": GROCER, "competences": "<b>1</b>"}, 400, "Compétences inconnues"),
])
def test_bad_result_addresses_are_explained(wizard, params, status, message):
    response = wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, **params})
    assert response.status_code == status
    assert message in text(response) and "Recommencer le diagnostic" in text(response)


def test_map_of_employment_areas_with_its_table(wizard, territories, shipped_engine):
    zones = shipped_engine.diagnostic(CASHIER, GROCER)["marche"]["zones_emploi"]
    response = wizard.get(f"{WIZARD}resultat/",
                          {"actuel": CASHIER, "cible": GROCER, "commune": "Aix-en-Provence"})
    page = text(response)
    start = page.index("<svg viewBox")
    svg = page[start:page.index("</svg>", start)]
    assert 'role="img" aria-labelledby="map-title map-desc"' in svg
    assert '<title id="map-title">' in svg and '<desc id="map-desc">' in svg
    assert len(re.findall(r'<path d="M[\d.,LMZ]+" class="zone zone-', svg)) == len(zones)
    assert len(re.findall(r'class="departement-outline"', svg)) == 6
    assert svg.count('class="zone-mine-outline"') == 1  # Aix-en-Provence's bassin
    # No localised decimals in the SVG (a comma breaks the drawing).
    assert re.search(r'viewBox="0 0 600 [\d.]+"', svg)
    table = page[page.index('id="tableau-bassins"'):]
    assert table.count('<th scope="row">') >= len(zones)
    assert "votre bassin" in table and "Commune : Aix-en-Provence" in page


def test_without_territories_the_table_stands_in_for_the_map(wizard):
    page = text(wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": GROCER}))
    assert "<svg viewBox" not in page and "La carte n'est pas disponible" in page
    assert 'id="tableau-bassins"' in page


def test_unknown_commune_is_labelled_and_the_rest_stands(wizard, territories):
    response = wizard.get(f"{WIZARD}resultat/",
                          {"actuel": CASHIER, "cible": GROCER, "commune": "Lyon"})
    assert response.status_code == 200
    assert "Commune « Lyon » introuvable dans la région" in text(response)


def test_print_stylesheet_gives_a_summary(wizard):
    page = text(wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": GROCER}))
    assert "/static/employment/wizard.css" in page and 'data-print hidden' in page
    css = (services.__file__.rsplit("/", 1)[0] + "/static/employment/wizard.css")
    with open(css, encoding="utf-8") as stream:
        printed = stream.read().split("@media print")[1]
    assert ".site-header" in printed and 'attr(href)' in printed and "form" in printed


def test_wizard_pages_write_nothing(wizard):
    wizard.get(WIZARD, {"q": "caissière"})
    wizard.get(f"{WIZARD}metier-vise/", {"actuel": CASHIER, "suggestions": "1"})
    wizard.get(f"{WIZARD}competences/", {"actuel": CASHIER, "cible": GROCER})
    wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": GROCER, "commune": "13001"})
    assert SavedDiagnostic.objects.count() == 0 and Session.objects.count() == 0


# --- saving, with consent ---------------------------------------------------------------

def _save(client, consent=True, **extra):
    data = {"actuel": CASHIER, "cible": GROCER, "competences": ["100063"],
            "commune": "13001", **extra}
    if consent:
        data["consentement"] = "on"
    return client.post(f"{WIZARD}enregistrer/", data)


def test_saving_needs_explicit_consent(wizard):
    result = text(wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": GROCER}))
    box = re.search(r'<input type="checkbox" name="consentement"[^>]*>', result).group(0)
    assert "checked" not in box
    response = _save(wizard, consent=False)
    assert response.status_code == 400
    assert "sans votre accord, rien n&#x27;est conservé" in text(response)
    assert SavedDiagnostic.objects.count() == 0


def test_save_view_and_delete(wizard):
    response = _save(wizard)
    assert response.status_code == 302
    saved = SavedDiagnostic.objects.get()
    assert response["Location"] == reverse("employment:saved", args=[saved.token])
    # Codes only: no commune, no name, no e-mail, no IP address.
    assert saved.payload == {"actuel": CASHIER, "cible": GROCER, "competences": ["100063"]}
    assert len(saved.token) >= 40
    assert saved.expires_at - saved.created_at == timedelta(days=365)

    page = wizard.get(response["Location"])
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in text(page)
    assert "Diagnostic enregistré." in text(page) and saved.token in text(page)
    assert 'id="ecart"' in text(page) and 'name="consentement"' not in text(page)

    delete_url = reverse("employment:saved_delete", args=[saved.token])
    confirm = wizard.get(delete_url)
    assert confirm.status_code == 200 and "Supprimer définitivement" in text(confirm)
    assert SavedDiagnostic.objects.count() == 1
    done = wizard.post(delete_url)
    assert done.status_code == 302 and done["Location"] == reverse("employment:deleted")
    assert SavedDiagnostic.objects.count() == 0
    assert "Votre diagnostic a été supprimé" in text(wizard.get(done["Location"]))
    assert wizard.get(response["Location"]).status_code == 404
    assert wizard.post(delete_url).status_code == 404


def test_saved_model_holds_no_personal_data():
    fields = {f.name for f in SavedDiagnostic._meta.get_fields()}
    assert fields == {"id", "token", "created_at", "expires_at", "payload"}


def test_saving_bad_codes_stores_nothing(wizard):
    assert _save(wizard, cible=CASHIER).status_code == 400
    assert _save(wizard, actuel="A9999").status_code == 404
    assert _save(wizard, competences=["0"]).status_code == 400
    assert SavedDiagnostic.objects.count() == 0


def test_saving_is_csrf_protected(wizard, shipped_engine):
    client = Client(enforce_csrf_checks=True)
    assert _save(client).status_code == 403
    assert SavedDiagnostic.objects.count() == 0


def test_saving_is_rate_limited_per_address(wizard):
    for _ in range(SAVES_PER_IP.max_attempts):
        assert _save(wizard).status_code == 302
    response = _save(wizard)
    assert response.status_code == 429 and "Trop de diagnostics enregistrés" in text(response)
    assert SavedDiagnostic.objects.count() == SAVES_PER_IP.max_attempts


def test_unknown_or_expired_links_are_not_found(wizard):
    assert wizard.get(reverse("employment:saved", args=["x" * 43])).status_code == 404
    old = SavedDiagnostic.objects.create(
        payload={"actuel": CASHIER, "cible": GROCER, "competences": []},
        created_at=timezone.now() - timedelta(days=400))
    assert old.is_expired
    assert wizard.get(reverse("employment:saved", args=[old.token])).status_code == 404
    assert not SavedDiagnostic.objects.filter(pk=old.pk).exists()  # purged on access


def test_purge_command_deletes_only_expired_diagnostics(db, capsys):
    now = timezone.now()
    kept = SavedDiagnostic.objects.create(payload={"actuel": CASHIER})
    SavedDiagnostic.objects.create(payload={"actuel": CASHIER},
                                   created_at=now - timedelta(days=366))
    call_command("purge_saved_diagnostics")
    assert list(SavedDiagnostic.objects.all()) == [kept]
    assert "1 diagnostic(s) expiré(s) supprimé(s), 1 conservé(s)" in capsys.readouterr().out


def test_without_referentials_the_wizard_says_so(db):
    # The real engine path: nothing loaded in the datastore.
    response = Client().get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": GROCER})
    assert response.status_code == 503 and "load_employment" in text(response)
    step_one = Client().get(WIZARD, {"q": "caissière"})
    assert step_one.status_code == 503 and "load_employment" in text(step_one)
    suggestions = Client().get(reverse("employment:suggestions"), {"q": "caissière"})
    assert suggestions.status_code == 503 and "load_employment" in suggestions.json()["detail"]


def test_home_and_navigation_link_to_the_wizard(db):
    page = text(Client().get("/"))
    assert f'href="{WIZARD}"' in page and "Commencer le diagnostic" in page


def test_demonstration_trainings_are_flagged_as_such(wizard, settings):
    # The trainings app's own sample LHEO file, imported as a demonstration.
    sample = settings.BASE_DIR / "tests" / "trainings" / "data" / "offres-lheo.xml"
    call_command("import_trainings", str(sample), "--format", "lheo", "--demo",
                 "--no-rome-inference", verbosity=0)
    page = text(wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": GROCER}))
    section = page[page.index('id="formations"'):page.index('id="suite"')]
    assert "Exemples de démonstration." in section
    offers = section.count('<li class="card training">')
    assert offers >= 1 and section.count("exemple de démonstration</span>") == offers
