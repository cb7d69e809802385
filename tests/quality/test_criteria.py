"""The criteria on hand-made facts: each one fails with its advice, and the score is the
weighted share of the criteria that apply."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone

from datasud.quality.criteria import CRITERIA, Facts, ResourceFacts, evaluate

NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 12))


def resource(pk=1, fmt="csv", kind="file", **fields) -> ResourceFacts:
    fields.setdefault("modified_at", NOW - dt.timedelta(days=5))
    return ResourceFacts(id=pk, title=f"Ressource {pk}", kind=kind, url="", format=fmt, **fields)


def perfect(**changes) -> Facts:
    facts = Facts(
        id=1,
        title="Arrêts de bus",
        description="Les arrêts du réseau. " * 12,
        licence_title="Licence Ouverte 2.0",
        licence_is_open=True,
        frequency="monthly",
        frequency_label="Mensuelle",
        temporal_start=dt.date(2020, 1, 1),
        temporal_end=None,
        has_extent=True,
        modified_at=NOW - dt.timedelta(days=10),
        archived=False,
        tag_count=4,
        territory_count=1,
        resources=[resource(load_status="succeeded", has_schema=True)],
    )
    return replace(facts, **changes)


def check(report, code):
    return next(c for c in report.checks if c.code == code)


def test_weights_add_up_to_100_and_a_complete_dataset_scores_100():
    assert sum(c.weight for c in CRITERIA) == 100
    report = evaluate(perfect(), NOW)
    assert report.score == 100 and report.advice == [] and report.main_advice == ""


@pytest.mark.parametrize(
    ("changes", "code", "advice"),
    [
        ({"description": "Trop court."}, "description", "au moins 200 caractères (il en a 11)"),
        ({"description": "Arrêts de bus"}, "description", "La description répète le titre"),
        ({"description": "LES ARRÊTS DU RÉSEAU DE BUS. " * 10}, "description", "majuscules"),
        ({"tag_count": 1}, "tags", "au moins 3 mots-clés (il y en a 1)"),
        ({"licence_title": None}, "licence", "Choisissez une licence"),
        (
            {"licence_is_open": False, "licence_title": "Tous droits réservés"},
            "licence",
            "« Tous droits réservés » n'est pas une licence ouverte",
        ),
        ({"has_extent": False, "territory_count": 0}, "spatial", "couverture territoriale"),
        ({"temporal_start": None}, "temporal", "période couverte"),
        ({"frequency": "unknown"}, "frequency", "fréquence de mise à jour"),
        (
            {
                "modified_at": NOW - dt.timedelta(days=90),
                "resources": [resource(modified_at=NOW - dt.timedelta(days=80), has_schema=True)],
            },
            "freshness",
            "« Mensuelle » mais la dernière mise à jour date du 13 mars 2026",
        ),
        ({"resources": []}, "resources", "Ajoutez au moins une ressource"),
        (
            {
                "resources": [
                    resource(1, has_schema=True),
                    resource(2, fmt="xls"),
                    resource(3, fmt=""),
                ]
            },
            "open_formats",
            "2 ressources sur 3 ne sont pas dans un format ouvert et lisible par machine "
            "(format non précisé, xls)",
        ),
        ({"resources": [resource()]}, "schema", "Déclarez un schéma"),
        (
            {"resources": [resource(1, has_schema=True, load_status="failed")]},
            "loads",
            "Le chargement de 1 ressource a échoué (« Ressource 1 »)",
        ),
        (
            {
                "resources": [
                    resource(1, has_schema=True),
                    resource(2, fmt="zip", kind="url", broken=True),
                ]
            },
            "links",
            "1 lien distant ne répond pas (« Ressource 2 »)",
        ),
    ],
)
def test_each_criterion_fails_with_its_advice(changes, code, advice):
    report = evaluate(perfect(**changes), NOW)
    failing = check(report, code)
    assert not failing.passed and advice in failing.advice
    assert report.score < 100
    assert failing in report.advice
    # Everything else stays met: only this criterion costs points.
    assert {c.code for c in report.advice} == {code}


def test_criteria_that_do_not_apply_cost_nothing():
    # No tabular file: no schema to declare; irregular: no date promised; no load, no link
    # checked yet: nothing known. The score is over what applies.
    facts = perfect(frequency="irregular", resources=[resource(fmt="zip", kind="url")])
    report = evaluate(facts, NOW)
    assert {c.code for c in report.checks if not c.applies} == {
        "freshness",
        "schema",
        "loads",
        "links",
    }
    assert report.score == 100


def test_the_score_is_the_weighted_share_and_advice_costliest_first():
    facts = perfect(description="", licence_title=None, tag_count=2)
    report = evaluate(facts, NOW)
    # Lost: description 15, licence 10, tags 5 * 1/3, of the 90 points that apply (no
    # remote link: the links criterion does not).
    assert report.score == round(100 * (90 - 15 - 10 - 5 / 3) / 90) == 70
    assert [c.code for c in report.advice] == ["description", "licence", "tags"]
    assert report.main_advice.startswith("Décrivez le jeu de données")


def test_archived_datasets_are_not_late():
    facts = perfect(
        archived=True,
        modified_at=NOW - dt.timedelta(days=900),
        resources=[resource(modified_at=NOW - dt.timedelta(days=900), has_schema=True)],
    )
    assert not check(evaluate(facts, NOW), "freshness").applies
