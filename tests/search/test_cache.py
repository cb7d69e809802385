"""Anonymous counts are cached, and no longer served once the index changes."""
import pytest

from datasud.search import indexing


@pytest.mark.django_db(transaction=True)
def test_anonymous_counts_are_cached_until_the_index_changes(make_indexed, make_dataset,
                                                             search, staff, committed_index):
    make_indexed("Arbres remarquables")
    assert search().total == 1
    unindexed = make_dataset("Jardins partagés")  # written without telling the index
    assert search().total == 1  # the cached count
    assert search(user=staff).total == 2  # never cached for signed-in users
    indexing.reindex([unindexed.pk])
    assert search().total == 2
    assert search("jardins").total == 1


@pytest.mark.django_db(transaction=True)
def test_no_cache_without_an_index_state(make_indexed, make_dataset, search,
                                         committed_index):
    from datasud.search.models import IndexState

    IndexState.objects.all().delete()
    make_indexed("Arbres remarquables")
    IndexState.objects.all().delete()
    assert search().total == 1
    make_dataset("Jardins partagés")
    assert search().total == 2


def test_never_cached_inside_a_transaction(make_indexed, make_dataset, search):
    make_indexed("Arbres remarquables")
    assert search().total == 1
    make_dataset("Jardins partagés")
    assert search().total == 2
