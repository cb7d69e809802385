"""The wizard end to end: referentials published and loaded through the real catalogue and
datastore (`load_employment`), territories loaded, the process-wide engine, every step."""
import re

import pytest
from django.core.management import call_command
from django.test import Client

from datasud.employment.models import SavedDiagnostic

WIZARD = "/diagnostic-mobilite/"


@pytest.mark.slow
def test_the_wizard_over_the_loaded_referentials(db):
    call_command("load_reference", verbosity=0)
    call_command("load_employment", verbosity=0)
    call_command("load_territories", verbosity=0)
    client = Client()

    step_one = client.get(WIZARD, {"q": "aide soignante de nuit"})
    assert step_one.status_code == 200
    current = re.search(r'name="actuel" value="(\w+)"', step_one.content.decode()).group(1)
    assert current == "J1501"

    step_two = client.get(f"{WIZARD}metier-vise/", {"actuel": current, "suggestions": "1"})
    targets = re.findall(r'name="cible" id="[^"]+" value="(\w+)"', step_two.content.decode())
    assert len(targets) == 10 and current not in targets

    step_three = client.get(f"{WIZARD}competences/", {"actuel": current, "cible": targets[0]})
    skills = re.findall(r'name="competences" value="(\d+)"', step_three.content.decode())
    assert skills

    result = client.get(f"{WIZARD}resultat/", {"actuel": current, "cible": targets[0],
                                               "competences": skills[:2], "commune": "04070"})
    page = result.content.decode()
    assert result.status_code == 200
    assert '<progress id="couverture"' in page and 'id="tableau-bassins"' in page
    assert 'class="zone-mine-outline"' in page  # Digne-les-Bains' bassin on the map

    saved = client.post(f"{WIZARD}enregistrer/", {"actuel": current, "cible": targets[0],
                                                  "competences": skills[:2],
                                                  "consentement": "on"})
    assert saved.status_code == 302
    entry = SavedDiagnostic.objects.get()
    assert entry.payload == {"actuel": current, "cible": targets[0],
                             "competences": sorted(skills[:2])}
    assert client.get(saved["Location"]).status_code == 200
