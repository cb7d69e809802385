"""The trainings block of the diagnostic's result page writes dates and durations as French
readers expect (found by a QA pass: "2027-09-06 → 2028-06-30", "1540 heures")."""
from django.template.loader import render_to_string
from django.utils import translation

from datasud.web.templatetags.datasud_web import iso_date


def test_iso_dates_are_written_in_the_page_language():
    with translation.override("fr"):
        assert iso_date("2027-09-06") == "6 septembre 2027"
    with translation.override("en"):
        assert iso_date("2027-09-06") == "Sept. 6, 2027"
    assert iso_date("bientôt") == "bientôt"
    assert iso_date(None) is None


def test_training_offer_dates_and_hours_in_french():
    offer = {"titre": "Aide-soignant", "organisme": "Organisme", "duree_heures": 1540.0,
             "cout_euros": 6800, "debut": "2027-09-06", "fin": "2028-06-30"}
    with translation.override("fr"):
        html = render_to_string("employment/includes/trainings.html",
                                {"formations": {"offres": [offer]}})
    assert "6 septembre 2027 → 30 juin 2028" in html
    assert "2027-09-06" not in html
    assert "1\u202f540 heures" in html or "1\xa0540 heures" in html or "1 540 heures" in html
