"""What keeps searches fast stays right: the vocabulary of corrections stays loaded across
index writes that add no word, and its look-up index is extended, not rebuilt, when words
are only added (`spelling`); text statements read the text index on PostgreSQL; the SQL
kept for anonymous visitors serves only the same filters."""

import pytest
from django.db import connection, transaction

from datasud.search import indexing, spelling
from datasud.search.backends import get_backend
from datasud.search.backends.postgres import TABLE
from datasud.search.models import IndexState, Term

from .helpers import titles


def _tokens() -> tuple[str, str]:
    state = IndexState.objects.get(pk=1)
    return state.token, state.vocabulary


def test_an_edit_without_new_words_keeps_the_vocabulary(make_indexed, search):
    made = make_indexed("Défibrillateurs automatisés", description="Liste des appareils.")
    assert search("defibrilateurs").suggestion == "défibrillateurs"
    loaded = spelling.vocabulary()
    assert loaded._grams is not None  # built by the correction
    token, words = _tokens()
    made.description = "Liste des défibrillateurs."  # no word the vocabulary lacks
    made.save()
    indexing.reindex([made.pk])
    assert _tokens()[0] != token and _tokens()[1] == words
    assert spelling.vocabulary() is loaded
    assert search("defibrilateurs").suggestion == "défibrillateurs"


def test_new_words_reload_it_and_extend_its_index(make_indexed, search):
    make_indexed("Défibrillateurs automatisés")
    assert search("defibrilateurs").suggestion == "défibrillateurs"
    former = spelling.vocabulary()
    words = _tokens()[1]
    make_indexed("Horodateurs de Gap", description="Stationnement payant.")
    assert _tokens()[1] != words
    extended = spelling.vocabulary()
    assert extended is not former and "horodateurs" in extended.counts
    assert extended._grams is not None  # taken over from the former vocabulary
    assert search("horodatteurs").suggestion == "horodateurs"
    # The same corrections as an index built from scratch.
    fresh = spelling.Vocabulary(Term.objects.values_list("word", "label", "documents"))
    for word in ("horodatteurs", "stationement", "defibrilateurs", "automatisé", "payannt"):
        assert extended.closest(word) == fresh.closest(word), word
    assert sorted(extended._index()[0]) == sorted(set(fresh._index()[0]))


def test_a_rebuild_reloads_it_from_scratch(make_indexed, search):
    make_indexed("Défibrillateurs automatisés")
    made = make_indexed("Défibrillateurs de Barcelonnette")
    assert search("defibrilateurs").suggestion == "défibrillateurs"
    former = spelling.vocabulary()
    assert former.counts["defibrillateurs"] == 1  # added twice: counts are not raised
    words = _tokens()[1]
    made.delete()
    indexing.rebuild()
    assert _tokens()[1] != words
    rebuilt = spelling.vocabulary()
    assert rebuilt is not former and rebuilt._grams is None
    assert "barcelonnette" not in rebuilt.counts
    assert search("defibrilateurs").suggestion == "défibrillateurs"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_text_statements_read_the_text_index_and_leave_the_session_alone(db):
    def session(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    before = session("enable_seqscan")
    sql = "SELECT current_setting('enable_seqscan'), current_setting('jit')"
    assert get_backend().query(f"{sql} FROM {TABLE} WHERE 1 = %s", [1]) == []
    assert get_backend().query(
        f"SELECT current_setting('enable_seqscan') FROM (SELECT 1) AS x "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE 1 = %s)",
        [0],
    ) == [("off",)]
    # Statements without a text match are left to the planner.
    assert get_backend().query(f"{sql}, %s", ["x"]) == [(before, "off", "x")]
    assert session("enable_seqscan") == before
    with transaction.atomic():
        get_backend().query(f"SELECT 1 FROM {TABLE} WHERE 1 = %s", [0])
        assert session("enable_seqscan") == before


@pytest.mark.parametrize("user", [None, "editor"])
def test_anonymous_sql_is_reused_per_filter_set_only(catalogue, search, editor, user, theme):
    """The SQL kept for anonymous visitors never serves another filter set or a member."""
    from datasud.catalog.models import Dataset

    user = editor if user else None
    for q in ("", "vélo"):
        first = search(q, user=user, themes=[theme.slug])
        again = search(q, user=user, themes=[theme.slug])
        assert titles(first) == titles(again) and first.total == again.total
        other = search(q, user=user, themes=["aucun-theme"])
        assert other.total == 0 and titles(other) == []
    expected = Dataset.objects.visible_to(user).active().filter(themes=theme).distinct()
    assert search("", user=user, themes=[theme.slug]).total == expected.count()
    assert search("", user=user).total > expected.count()
