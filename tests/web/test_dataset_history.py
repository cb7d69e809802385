"""The history of a dataset page: who made each change, once their account is deleted."""
from django.contrib.auth import get_user_model

from datasud.accounts.deletion import delete_account
from datasud.catalog import services
from datasud.catalog.models import Activity


def history_rows(html: str) -> str:
    return html.split('id="history-title"', 1)[1].split("</table>", 1)[0]


def test_a_deleted_account_shows_as_such_not_as_automatic_work(
        client_for, editor, org_admin, organisation):
    dataset = services.create_dataset(editor, organisation, title="Horaires des bus",
                                      status="published")
    services.update_dataset(org_admin, dataset, title="Horaires des bus et cars")
    Activity.objects.create(dataset=dataset, action=Activity.Action.IMPORTED)

    delete_account(get_user_model().objects.get(pk=editor.pk))

    created = dataset.activities.get(action=Activity.Action.CREATED)
    assert created.actor is None and created.actor_deleted
    assert not dataset.activities.get(action=Activity.Action.IMPORTED).actor_deleted
    rows = history_rows(client_for(org_admin).get(dataset.get_absolute_url())
                        .content.decode())
    assert rows.count("compte supprimé") == 1
    assert rows.count("import ou traitement automatique") == 1
    assert "orgadmin" in rows and "editor" not in rows
    # The public sees the organisation, whoever made the change.
    public = history_rows(client_for().get(dataset.get_absolute_url()).content.decode())
    assert "compte supprimé" not in public and "orgadmin" not in public
    assert public.count("Ville de Digne-les-Bains") == 3


def test_an_account_deleted_by_staff_in_the_admin_is_marked_too(editor, organisation):
    dataset = services.create_dataset(editor, organisation, title="Horaires des bus")
    get_user_model().objects.filter(pk=editor.pk).delete()  # what the admin does
    created = dataset.activities.get(action=Activity.Action.CREATED)
    assert created.actor is None and created.actor_deleted
