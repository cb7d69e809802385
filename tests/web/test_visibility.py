"""Drafts and private datasets: 404 for anonymous visitors and outsiders, visible to the
organisation's members; edit buttons only for those who may edit."""
import pytest
from django.urls import reverse


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_hidden_datasets_are_404_for_anonymous_and_outsiders(client_for, catalogue, outsider,
                                                             kind):
    url = reverse("catalog:dataset", args=[catalogue[kind].slug])
    assert client_for(None).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_hidden_datasets_are_visible_to_members_and_staff(client_for, catalogue, editor, staff,
                                                          kind):
    url = reverse("catalog:dataset", args=[catalogue[kind].slug])
    for user in (editor, staff):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert catalogue[kind].title in response.content.decode()


def test_hidden_datasets_are_left_out_of_lists(client_for, catalogue, organisation, outsider,
                                               editor, territories):
    pages = [reverse("catalog:search"), reverse("catalog:organisation", args=[organisation.slug]),
             reverse("territories:detail", args=["commune", "04070"])]
    for url in pages:
        html = client_for(outsider).get(url).content.decode()
        assert "Comptages confidentiels" not in html, url
        assert "Brouillon secret" not in html, url
        assert "Horaires des bus de Digne" in html, url
    html = client_for(editor).get(pages[1]).content.decode()
    assert "Comptages confidentiels" in html and "Brouillon secret" in html


def test_edit_buttons_only_for_editors(client_for, catalogue, editor, staff, outsider):
    dataset = catalogue["public"]
    url = reverse("catalog:dataset", args=[dataset.slug])
    edit_url = reverse("catalog:dataset_edit", args=[dataset.slug])
    for user in (None, outsider):
        html = client_for(user).get(url).content.decode()
        assert edit_url not in html
        assert reverse("catalog:resource_add", args=[dataset.slug]) not in html
    for user in (editor, staff):
        html = client_for(user).get(url).content.decode()
        assert edit_url in html
        assert reverse("catalog:resource_add", args=[dataset.slug]) in html


def test_outsiders_get_403_on_edit_pages_and_anonymous_go_to_sign_in(client_for, catalogue,
                                                                     outsider):
    dataset = catalogue["public"]
    url = reverse("catalog:dataset_edit", args=[dataset.slug])
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    response = client_for(outsider).get(url)
    assert response.status_code == 403
    response = client_for(outsider).post(reverse("catalog:dataset_delete", args=[dataset.slug]))
    assert response.status_code == 403
    # A dataset an outsider cannot see stays a 404 even on its edit page.
    hidden = reverse("catalog:dataset_edit", args=[catalogue["private"].slug])
    assert client_for(outsider).get(hidden).status_code == 404


def test_members_list_only_for_members_and_staff(client_for, catalogue, organisation, editor,
                                                 outsider, staff):
    url = reverse("catalog:organisation", args=[organisation.slug])
    assert "members-title" not in client_for(None).get(url).content.decode()
    assert "members-title" not in client_for(outsider).get(url).content.decode()
    for user in (editor, staff):
        html = client_for(user).get(url).content.decode()
        assert "members-title" in html and "editor" in html


def test_public_history_names_the_organisation_not_the_person(client_for, catalogue, editor):
    from datasud.catalog import services

    dataset = catalogue["public"]
    services.update_dataset(editor, dataset, title="Horaires des bus de Digne (2025)")
    url = reverse("catalog:dataset", args=[dataset.slug])
    public_html = client_for(None).get(url).content.decode()
    history = public_html.split('id="history-title"')[1]
    assert "editor" not in history
    assert "Ville de Digne-les-Bains" in history
    assert "titre" in history
    member_html = client_for(editor).get(url).content.decode()
    assert "editor" in member_html.split('id="history-title"')[1]
