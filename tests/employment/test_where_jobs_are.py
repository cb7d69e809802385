"""Where the jobs are: the result page gives, for the target's professional family, how
many people work in it in the région and each département (DARES, 2019), also when La
Bonne Boîte observes the job in no employment area (a nursing assistant: 47,000 in PACA)."""
import re

import pytest

WIZARD = "/diagnostic-mobilite/"
CASHIER, NURSING_ASSISTANT = "D1505", "J1501"


@pytest.fixture
def result_page(wizard):
    response = wizard.get(f"{WIZARD}resultat/", {"actuel": CASHIER, "cible": NURSING_ASSISTANT})
    assert response.status_code == 200
    return response.content.decode()


def _employment_rows(page: str) -> dict[str, int]:
    section = page[page.index('id="emplois"'):page.index('id="sectors-title"')]
    table = section[section.index("Personnes en emploi dans le métier"):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="numeric">([^<]+)</td>', table)
    return {name: int(re.sub(r"\D", "", figure)) for name, figure in rows}


def test_people_employed_by_departement_where_la_bonne_boite_sees_nothing(result_page,
                                                                           shipped_engine):
    market = shipped_engine.market(NURSING_ASSISTANT, CASHIER)
    assert not any(zone["indicateur"]["metier_observe"] for zone in market["zones_emploi"])
    rows = _employment_rows(result_page)
    # DARES 2019, family V0Z60 (aides-soignants).
    assert rows["Provence-Alpes-Côte d&#x27;Azur"] == 47000
    assert rows["Bouches-du-Rhône"] == 18500 and rows["Hautes-Alpes"] == 1800
    assert len(rows) == 7  # the région and its six départements


def test_the_tension_table_gives_the_same_figures(result_page):
    tension = result_page[result_page.index('id="tension"'):result_page.index('id="emplois"')]
    assert "Personnes en emploi (2019)" in tension
    assert re.search(r"Bouches-du-Rhône</th>\s*<td class=\"numeric\">18\D?500</td>", tension)
