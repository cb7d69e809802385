"""`datasud train_suggestions` on a tiny catalogue export, and the measures."""
import pytest
from django.core.management import CommandError, call_command

from datasud.intelligence import training
from datasud.intelligence.evaluation import tag_metrics
from datasud.intelligence.model import SuggestionModel, Weights
from datasud.intelligence.training import Record

HEADER = "id;title;description;tags;license;frequency\n"
ROWS = [
    ("1", "Pistes cyclables de Gap", "Aménagements vélo", "velo,piste-cyclable,mobilite",
     "Licence Ouverte / Open Licence version 2.0", "annual"),
    ("2", "Stationnement vélo à Nice", "Arceaux vélo", "velo,stationnement",
     "Licence Ouverte / Open Licence version 2.0", "annual"),
    ("3", "Itinéraires cyclables du Var", "Véloroutes", "velo,piste-cyclable,tourisme",
     "Licence Ouverte / Open Licence version 2.0", "irregular"),
    ("4", "Budget primitif 2023", "Dépenses et recettes", "budget,finances",
     "Open Data Commons Open Database License (ODbL)", ""),
    ("5", "Budget primitif 2024", "Dépenses et recettes", "budget,finances",
     "Open Data Commons Open Database License (ODbL)", ""),
    ("6", "Compte administratif", "Dépenses réalisées", "budget,compte-administratif",
     "Open Data Commons Open Database License (ODbL)", "annual"),
]


@pytest.fixture
def tiny_csv(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(HEADER + "".join(";".join(row) + "\n" for row in ROWS), encoding="utf-8")
    return path


def test_command_trains_a_model_that_suggests(tiny_csv, tmp_path, db):
    output = tmp_path / "model.npz"
    call_command("train_suggestions", datasud=tiny_csv, national="-", output=output,
                 verbosity=0)
    model = SuggestionModel.load(output)
    assert model.meta == {"datasud_datasets": 6, "national_datasets": 0}
    tags = [name for name, _ in model.tag_scores("Bandes cyclables et vélos")]
    assert tags[0] == "velo"
    ids, vals, _ = model.vectorise("Budget 2025 dépenses")
    docs, sims = model.neighbours(ids, vals)
    licence, score = model.categorical(docs, sims, model.doc_licence, model.licences,
                                       model.licence_prior)
    assert licence == "odc-odbl" and score == 1.0


def test_command_explains_a_missing_or_wrong_file(tmp_path, db):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("train_suggestions", datasud=tmp_path / "absent.csv", national="-",
                     output=tmp_path / "m.npz", verbosity=0)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="colonnes manquantes"):
        call_command("train_suggestions", datasud=wrong, national="-",
                     output=tmp_path / "m.npz", verbosity=0)
    assert not (tmp_path / "m.npz").exists()


def test_split_is_by_dataset_fixed_and_disjoint(tiny_csv):
    records = list(training.read_records(tiny_csv))
    train, test = training.split_by_dataset(records, test_share=0.34)
    again_train, again_test = training.split_by_dataset(records, test_share=0.34)
    assert [r.id for r in test] == [r.id for r in again_test]
    assert not {r.id for r in train} & {r.id for r in test}
    assert len(train) + len(test) == len(records)


def test_metrics_count_as_documented():
    class R:
        def __init__(self, tags):
            self.tags = tags

    records = [R(["a", "b"]), R(["a", "b", "c", "d", "e", "f"]), R([])]
    ranked = {2: ["a", "x", "y", "z", "w"], 6: ["a", "b", "c", "x", "y"]}
    scores = tag_metrics(records, lambda r: ranked[len(r.tags)])
    assert scores.datasets == 2  # no tags: left out
    assert scores.p5 == pytest.approx((1 / 5 + 3 / 5) / 2)
    assert scores.p5_capped == pytest.approx((1 / 2 + 3 / 5) / 2)
    assert scores.r5 == pytest.approx((1 / 2 + 3 / 6) / 2)


def test_tune_picks_weights_on_a_validation_part(tiny_csv):
    records = list(training.read_records(tiny_csv))
    model = training.train(records[1:], [])
    best, score = training.tune(model, records[:1], grid=[{"k": 1}, {"k": 3}])
    assert best.k in {1, 3}
    assert 0 <= score <= 1
    assert model.weights.k == Weights().k  # the model's own weights are left as they were


def test_national_twins_of_held_datasets_are_left_out():
    """The same producer's dataset with the same title (folded) in the national export is
    the held dataset published twice: never learnt from when that dataset is measured."""
    held = [Record("Points d'apport volontaire", "", ["dechets"], organisation="accm")]
    national = [
        Record("POINTS D'APPORT VOLONTAIRE", "", ["dechets"], organisation="accm"),  # twin
        Record("Points d'apport volontaire", "", ["pav"], organisation="grand-belfort"),
        Record("Points d'apport volontaire - Arles", "", ["dechets"], organisation="accm"),
    ]
    kept = training.without_twins(national, held)
    assert [r.organisation for r in kept] == ["grand-belfort", "accm"]
    assert kept[1].title.endswith("Arles")
