"""How search statements reach the database: batched page reads, JIT off on PostgreSQL, and
pages of signed-in users merged from two halves in the right order."""
import pytest
from django.db import connection, transaction
from django.utils import timezone

from datasud.catalog.models import Dataset
from datasud.search.backends import get_backend
from datasud.search.services import SORTS

from .helpers import titles


def test_fetch_all_returns_each_statement_rows_in_order(db):
    rows = get_backend().fetch_all([("SELECT %s, 1", ["a;b"]), ("SELECT %s", ["50%"]),
                                    ("SELECT 3 WHERE 1 = 0", [])])
    assert [list(map(tuple, result)) for result in rows] == [[("a;b", 1)], [("50%",)], []]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_search_statements_run_without_jit_and_leave_the_session_alone(db):
    def session_jit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            return cursor.fetchone()[0]

    before = session_jit()
    assert get_backend().query("SELECT current_setting('jit'), %s", ["x"]) == [("off", "x")]
    assert session_jit() == before
    with transaction.atomic():
        assert get_backend().query("SELECT current_setting('jit')", []) == [("off",)]
        assert session_jit() == before


@pytest.mark.parametrize("sort", [s for s in SORTS if s != "relevance"])
def test_signed_in_pages_follow_the_sort_across_both_halves(catalogue, make_indexed, search,
                                                            editor, sort):
    make_indexed("Zones de baignade (brouillon)", status=Dataset.Status.DRAFT,
                 modified_at=timezone.now() - timezone.timedelta(days=400))
    make_indexed("Archives privées", private=True, archived_at=timezone.now())
    expected = [d.title for d in Dataset.objects.visible_to(editor).active()
                .order_by(*SORTS[sort])]
    assert len(expected) == 8
    pages = [titles(search(user=editor, sort=sort, page=page, page_size=3))
             for page in (1, 2, 3)]
    assert sum(pages, []) == expected
    assert titles(search(user=editor, sort=sort, page=2, page_size=3,
                         include_archived=True)) == [
        d.title for d in Dataset.objects.visible_to(editor).order_by(*SORTS[sort])[3:6]]
