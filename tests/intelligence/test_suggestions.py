"""Suggestions from the shipped model on realistic French inputs, and the model file."""
import numpy as np

from datasud.intelligence import services
from datasud.intelligence.model import SuggestionModel


def test_shipped_model_loads_and_is_small():
    path = services.MODEL_FILE
    # 11 MB since the tenth round: two tag networks of about 2 MB each (compressed).
    assert path.stat().st_size < 12_000_000
    model = SuggestionModel.load(path)
    assert model.ranker is not None and model.net_emb is not None
    assert model.own_net_emb is not None
    assert len(model.themes) == 16
    assert model.meta["datasud_datasets"] >= 2000
    assert model.meta["national_datasets"] >= 50_000
    assert model.post_ptr.size == len(model.features) + 1
    assert np.all(np.diff(model.post_ptr) >= 0)


def test_cycling_title_gets_mobility_and_a_cycling_tag(territories):
    result = services.suggest("Aménagements cyclables de la ville",
                              "Pistes et bandes cyclables, voies vertes et double-sens vélo.")
    assert result["themes"][0]["slug"] == "mobilite-et-transports"
    tags = [t["name"] for t in result["tags"][:5]]
    assert any("velo" in t or "cycl" in t for t in tags), tags
    scores = [t["score"] for t in result["tags"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_schools_of_marseille(territories):
    result = services.suggest("Liste des écoles de Marseille 13055")
    assert result["territories"][0]["key"] == "commune:13055"
    assert result["territories"][0]["source"] == "titre"
    assert result["themes"][0]["slug"] == "formation-education-et-emploi"


def test_budget_gets_administration_licence_and_frequency(territories):
    result = services.suggest("Budget primitif 2024", "Dépenses et recettes de la commune "
                              "par chapitre budgétaire.")
    assert result["themes"][0]["slug"] == "administration-et-action-publique"
    assert "budget" in [t["name"] for t in result["tags"][:5]]
    assert result["licence"]["slug"] in {"lov2", "odc-odbl", "other-at"}
    assert result["frequency"] is None or result["frequency"]["code"]


def test_columns_help(territories):
    columns = [services.Column("nom_station", ["Station Castellane", "Station Prado"]),
               services.Column("nombre_velos_disponibles", ["3", "12"]),
               services.Column("lat", ["43.2854", "43.2730"]),
               services.Column("lon", ["5.3838", "5.3925"])]
    result = services.suggest("Disponibilité en temps réel", "", columns)
    assert "commune:13055" in [t["key"] for t in result["territories"]] or any(
        t["code"].startswith("132") for t in result["territories"])
    assert any("velo" in t["name"] for t in result["tags"][:5])


def test_text_without_known_words_gives_empty_lists(territories):
    result = services.suggest("zzqx wvvk")
    assert result["tags"] == [] and result["themes"] == []
    assert result["territories"] == []
