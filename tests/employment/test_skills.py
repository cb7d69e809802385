import pytest

from datasud.employment.engine import EngineError


def test_profile_splits_skills_by_kind_with_core_skills_first(engine):
    profile = engine.profile("D1505")
    assert profile["libelle"] == "Hôte / Hôtesse de caisse"
    skills = profile["competences"]
    assert set(skills) == {"savoir_faire", "savoir_etre", "savoirs"}
    assert all(skills[kind] for kind in skills)
    savoir_faire = skills["savoir_faire"]
    cores = [bool(s["coeur_metier"]) for s in savoir_faire]
    assert cores[0] and cores == sorted(cores, reverse=True)


def test_gap_to_a_related_fiche(engine):
    gap = engine.gap("D1505", "D1106")
    held = {s["code_ogr"] for s in gap["transferables"]}
    to_acquire = {s["code_ogr"] for s in gap["competences_a_acquerir"] + gap["savoirs_a_acquerir"]}
    target = engine.skills.by_fiche["D1106"]
    current = engine.skills.by_fiche["D1505"]
    assert held == set(target) & set(current)
    assert held | to_acquire == set(target) and not held & to_acquire
    assert gap["part_couverte"] == round(len(held) / len(target), 3)
    assert 0 < gap["part_couverte"] < 1
    # Core skills of the target come first in what is left to acquire.
    cores = [bool(s["coeur_metier"]) for s in gap["competences_a_acquerir"]]
    assert cores == sorted(cores, reverse=True)
    assert all(engine.skills.items[s["code_ogr"]].kind == "savoirs"
               for s in gap["savoirs_a_acquerir"])


def test_ticked_skills_raise_the_share_covered(engine):
    before = engine.gap("D1505", "D1106")
    ticked = [s["code_ogr"] for s in before["competences_a_acquerir"][:3]]
    after = engine.gap("D1505", "D1106", extra=ticked)
    assert after["part_couverte"] > before["part_couverte"]
    assert set(ticked) <= {s["code_ogr"] for s in after["transferables"]}
    assert after["competences_supplementaires"] == sorted(ticked)


@pytest.mark.parametrize("current,target,extra,code", [
    ("D1505", "D1505", [], "same_fiche"),
    ("D1505", "Z9999", [], "invalid_code"),
    ("D1505", "A9999", [], "unknown_code"),
    ("", "D1106", [], "invalid_code"),
    ("D1505", "D1106", ["999999999"], "unknown_skill"),
])
def test_bad_gap_requests_get_clear_errors(engine, current, target, extra, code):
    with pytest.raises(EngineError) as error:
        engine.gap(current, target, extra)
    assert error.value.code == code


def test_codes_are_read_case_and_space_insensitively(engine):
    assert engine.fiche(" d1505 ")["code_rome"] == "D1505"
