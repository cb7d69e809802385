"""Drafts and private datasets reach only those who may see them: results and counts."""
import pytest

from .helpers import counts, names

PUBLIC = {"velo", "bus", "air", "eau", "budget"}


@pytest.fixture
def anonymous():
    return None


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_drafts_and_private_are_hidden(request, catalogue, search, who):
    user = request.getfixturevalue(who)
    everything = search(user=user)
    assert names(everything, catalogue) == PUBLIC
    velo = search("vélo", user=user)
    assert names(velo, catalogue) == {"velo"}
    assert velo.total == 1
    assert counts(velo, "tag")["vélo"] == 1
    assert counts(velo, "format") == {"csv": 1, "geojson": 1}
    assert counts(search(user=user, tags=["vélo"]), "theme") == {"mobilite-et-transports": 1}
    # Counts that ignore a facet's own selection still count visible datasets only.
    assert counts(search(user=user, tags=["bus"]), "tag")["vélo"] == 1
    assert counts(search("velo", user=user, formats=["pdf"]), "format") == {
        "csv": 1, "geojson": 1, "pdf": 0}


@pytest.mark.parametrize("who", ["editor", "staff"])
def test_members_and_staff_see_them(request, catalogue, search, who):
    user = request.getfixturevalue(who)
    assert names(search(user=user), catalogue) == PUBLIC | {"draft", "private"}
    velo = search("vélo", user=user)
    assert names(velo, catalogue) == {"velo", "draft", "private"}
    assert counts(velo, "tag")["vélo"] == 3
    assert counts(velo, "territory") == {"commune:13055": 3}
    assert counts(search(user=user, tags=["bus"]), "tag")["vélo"] == 3


def test_filtered_counts_never_leak(catalogue, search, outsider):
    result = search(user=outsider, territories=["commune:13055"], facet_limit=50)
    assert names(result, catalogue) == {"velo", "bus", "air"}
    assert sum(counts(result, "partner").values()) == 3
    assert counts(result, "territory")["commune:13055"] == 1


def test_archived_datasets_only_when_asked(catalogue, make_indexed, search, staff):
    from django.utils import timezone

    archived = make_indexed("Vélos (archives 2015)", tags=["vélo"], archived_at=timezone.now())
    assert names(search("vélo"), catalogue) == {"velo"}
    assert counts(search("vélo"), "tag")["vélo"] == 1
    assert names(search("vélo", user=staff), catalogue) == {"velo", "draft", "private"}
    found = search("vélo", include_archived=True)
    assert names(found, catalogue) == {"velo", archived.slug}
    assert counts(found, "tag")["vélo"] == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sort", ["relevance", "-modified", "title"])
def test_statements_kept_for_later_searches_stay_each_viewers_own(
        catalogue, search, editor, outsider, organisation, committed_index, sort):
    """Searches keep the SQL they built for the same viewer's next ones (`services.
    _BUILT_SQL`): another viewer, a token restricted to another organisation, or a
    membership given since, must not read what the first one saw."""
    from datasud.accounts.models import Membership
    from datasud.accounts.scopes import restricted_user

    restricted = restricted_user(editor, organisation.pk + 1000)
    mine = PUBLIC | {"draft", "private"}
    for _ in range(2):  # the second round reads the SQL the first one kept
        assert names(search(user=editor, sort=sort), catalogue) == mine
        assert names(search(user=outsider, sort=sort), catalogue) == PUBLIC
        assert names(search(user=restricted, sort=sort), catalogue) == PUBLIC
        assert names(search(user=None, sort=sort), catalogue) == PUBLIC
        assert names(search("vélo", user=editor, sort=sort), catalogue) == {
            "velo", "draft", "private"}
        assert names(search("vélo", user=outsider, sort=sort), catalogue) == {"velo"}
        assert search(user=outsider, sort=sort, tags=["vélo"]).total == 1
        assert search(user=editor, sort=sort, tags=["vélo"]).total == 3
    # Memberships are read by the kept SQL itself: a new one counts at once.
    Membership.objects.create(user=outsider, organisation=organisation,
                              role=Membership.Role.EDITOR)
    assert names(search(user=outsider, sort=sort), catalogue) == mine
    assert search(user=outsider, sort=sort, tags=["vélo"]).total == 3
