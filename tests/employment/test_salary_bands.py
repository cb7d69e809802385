"""The DARES salary bands as people read them: the file's two top bands carry each other's
label, which the engine sees against the medians of the same file and puts back in order."""
import re

from datasud.employment.engine.labour import BAND_BOUNDS, TOP_BANDS, LabourMarket

LABELS = list(BAND_BOUNDS)


def _market(families: dict[str, tuple[float, list[float]]]) -> LabourMarket:
    """families: FAP -> (median, shares of the five bands in the file's label order)."""
    medians = [{"Fap3": fap, "Annee": "2017-2019", "Salaire_median": str(median)}
               for fap, (median, _shares) in families.items()]
    bands = [{"Fap": fap, "Salaire": label, "Pourcentage": str(share)}
             for fap, (_median, shares) in families.items()
             for label, share in zip(LABELS, shares, strict=True)]
    fap_rome = [{"Fap": fap, "Rome": fap, "intitule_rome": fap} for fap in families]
    return LabourMarket(fap_rome, medians, bands, [])


def _shares(market: LabourMarket, fap: str) -> dict[str, float]:
    family = market.salaries(fap)["familles"][0]
    return {band["tranche"]: band["part_pct"] for band in family["tranches"]}


# Engineers earning a median 3,950 €: 75 % of them at "2000 to 3000" is what the file says.
SWAPPED_LIKE_THE_FILE = {f"X{i:02d}": (3950.0, [0.0, 0.0, 0.9, 74.8, 24.3]) for i in range(12)}
SWAPPED_LIKE_THE_FILE["LOW"] = (1300.0, [40.0, 30.0, 25.0, 1.0, 4.0])


def test_top_bands_labelled_the_other_way_round_are_put_in_order():
    market = _market(SWAPPED_LIKE_THE_FILE)
    shares = _shares(market, "X00")
    assert shares[TOP_BANDS[1]] == 74.8 and shares[TOP_BANDS[0]] == 24.3
    # Every family is put in order, those the medians cannot tell about too.
    assert _shares(market, "LOW")[TOP_BANDS[0]] == 4.0
    note = market.salaries("X00")["correction"]
    assert "remises en ordre" in note and "12 familles sur 12" in note


def test_bands_in_order_are_left_as_published():
    in_order = {fap: (median, shares[:3] + shares[:2:-1])
                for fap, (median, shares) in SWAPPED_LIKE_THE_FILE.items()}
    market = _market(in_order)
    assert _shares(market, "X00")[TOP_BANDS[1]] == 74.8
    assert market.salaries("X00")["correction"] == ""


def test_too_little_evidence_changes_nothing():
    few = {fap: SWAPPED_LIKE_THE_FILE[fap] for fap in ("X00", "X01", "X02", "LOW")}
    market = _market(few)
    assert _shares(market, "X00")[TOP_BANDS[0]] == 74.8
    assert market.salaries("X00")["correction"] == ""


def test_the_shipped_dares_file_is_put_in_order(engine):
    # Cashiers (R0Z61, median 1,300 €): in the file 5 % earn 3,000 € or more, 0.4 % from
    # 2,000 to 3,000 €; in order, the other way round.
    salary = engine.salary("D1505")
    family = salary["familles"][0]
    shares = {band["tranche"]: band["part_pct"] for band in family["tranches"]}
    assert shares[TOP_BANDS[0]] > shares[TOP_BANDS[1]]
    # 62 of the 62 families where it matters agree with their median once in order.
    assert re.search(r"\b(\d\d) familles sur \1 ", salary["correction"])
