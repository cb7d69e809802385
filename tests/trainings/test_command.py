"""`datasud import_trainings`: all or nothing, idempotent, clear errors."""
import pytest
from django.core.management import CommandError, call_command

from datasud.trainings.models import ImportBatch, TargetedRome, TrainingOffer

from .conftest import LHEO_SAMPLE, MCF_SAMPLE


def _import(path, fmt="lheo", **options):
    call_command("import_trainings", str(path), format=fmt, verbosity=0,
                 no_rome_inference=True, **options)


def test_import_then_reimport_changes_nothing(db):
    _import(LHEO_SAMPLE)
    assert TrainingOffer.objects.count() == 3
    before = {o.source_id: (o.pk, o.title) for o in TrainingOffer.objects.all()}
    offer = TrainingOffer.objects.get(source_id="F-TEST-1/A-MRS")
    assert offer.start_date.isoformat() == "2027-01-11" and offer.end_date
    assert list(offer.romes.values_list("code", "inferred")) == [("D1106", False)]
    assert not offer.is_demo

    _import(LHEO_SAMPLE)
    assert {o.source_id: (o.pk, o.title) for o in TrainingOffer.objects.all()} == before
    batch = ImportBatch.objects.first()
    assert (batch.created, batch.updated) == (0, 3)
    assert ImportBatch.objects.count() == 1  # the previous batch holds no offer any more
    assert TargetedRome.objects.count() == 3


def test_a_failed_import_keeps_the_previous_offers(db, tmp_path):
    _import(LHEO_SAMPLE)
    truncated = tmp_path / "tronque.xml"
    truncated.write_bytes(LHEO_SAMPLE.read_bytes()[:3000])
    with pytest.raises(CommandError, match="Aucune offre n'a été modifiée"):
        _import(truncated, remove_missing=True)
    assert TrainingOffer.objects.count() == 3
    with pytest.raises(CommandError, match="colonnes absentes"):
        _import(LHEO_SAMPLE, "mcf", remove_missing=True)
    assert TrainingOffer.objects.count() == 3


def test_remove_missing_replaces_a_source_only(db, tmp_path):
    _import(LHEO_SAMPLE)
    _import(MCF_SAMPLE, "mcf")
    smaller = tmp_path / "moins.xml"
    smaller.write_text(LHEO_SAMPLE.read_text().replace('numero="A-NCE"', 'numero="A-NEW"'))
    _import(smaller, remove_missing=True)
    lheo_ids = set(TrainingOffer.objects.filter(source="lheo").values_list("source_id",
                                                                           flat=True))
    assert lheo_ids == {"F-TEST-1/A-MRS", "F-TEST-1/A-NEW", "F-TEST-2/A-AVI"}
    assert TrainingOffer.objects.filter(source="mcf").count() == 3
    assert ImportBatch.objects.filter(source="lheo").first().removed == 1


def test_demo_offers_are_flagged(db):
    _import(MCF_SAMPLE, "mcf", demo=True, region="93")
    assert TrainingOffer.objects.count() == 2
    assert all(o.is_demo for o in TrainingOffer.objects.all())


@pytest.mark.parametrize("args, options, words", [
    (["/nonexistent.xml"], {"format": "lheo"}, "Fichier introuvable"),
    ([str(LHEO_SAMPLE)], {"format": "csv"}, "invalid choice"),
    ([str(MCF_SAMPLE)], {"format": "mcf", "region": "PACA"}, "--region"),
])
def test_cli_errors_are_clear(db, args, options, words):
    with pytest.raises(CommandError, match=words):
        call_command("import_trainings", *args, verbosity=0, **options)
    assert not TrainingOffer.objects.exists()


def test_cli_exit_code_on_a_bad_file(db, tmp_path, capsys):
    from datasud.cli import main

    bad = tmp_path / "bombe.xml"
    bad.write_text('<!DOCTYPE lheo [<!ENTITY a "a">]><lheo>&a;</lheo>')
    with pytest.raises(SystemExit) as exit_:
        main(["datasud", "import_trainings", "--format", "lheo", str(bad)])
    assert exit_.value.code != 0
    assert "DTD" in capsys.readouterr().err
