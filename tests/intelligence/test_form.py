"""The "Suggestions" panel of the dataset form, without JavaScript."""
import re

from datasud.catalog.models import Dataset, Theme
from datasud.intelligence import services

URL = "/publier/jeu-de-donnees/"


def form_data(organisation, **extra):
    return {"organisation": organisation.pk, "title": "Pistes cyclables de Marseille",
            "description": "Aménagements vélo.", "tags": "", "frequency": "unknown",
            "status": "draft", **extra}


def test_suggest_button_shows_suggestions_and_saves_nothing(client, editor, organisation,
                                                            reference, territories):
    client.force_login(editor)
    response = client.post(URL, form_data(organisation, suggest="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="theme:mobilite-et-transports"' in page
    assert 'value="territory:commune:13055"' in page
    assert "Pistes cyclables de Marseille" in page  # what was typed is kept
    assert not Dataset.objects.exists()


def test_accepting_a_suggestion_fills_the_form(client, editor, organisation, reference,
                                               territories):
    client.force_login(editor)
    theme = Theme.objects.get(slug="mobilite-et-transports")
    response = client.post(URL, form_data(organisation, tags="vélo",
                                          accept_suggestion="theme:mobilite-et-transports"))
    form = response.context["form"]
    assert str(theme.pk) in form.initial["themes"]
    response = client.post(URL, form_data(organisation, tags="vélo",
                                          accept_suggestion="tag:piste-cyclable"))
    assert response.context["form"].initial["tags"] == "vélo, piste-cyclable"
    response = client.post(URL, form_data(organisation,
                                          accept_suggestion="territory:commune:13055"))
    assert response.context["form"].initial["communes"] == "Marseille (13055)"
    assert not Dataset.objects.exists()


def test_the_chosen_organisation_weighs_in(client, editor, reference, territories,
                                           producers_seen):
    """The form's organisation is passed on to the model (what the ranker makes of it:
    tests/intelligence/test_api.py); one unknown to the model gives what no organisation
    gives."""
    from datasud.accounts.models import Membership
    from datasud.catalog.models import Organisation

    accm = Organisation.objects.create(
        name="Communauté d'agglomération Arles Crau Camargue Montagnette",
        slug="communaute-dagglomeration-arles-crau-camargue-montagnette")
    Membership.objects.create(user=editor, organisation=accm, role=Membership.Role.EDITOR)
    client.force_login(editor)
    fields = {"title": "Aires de jeux", "description": "", "suggest": "1"}
    page = client.post(URL, form_data(accm, **fields)).content.decode()
    assert "suggestion-organisation-slugs" in page and accm.slug in page
    digne = Organisation.objects.get(slug="ville-de-digne")  # unknown to the model
    client.post(URL, form_data(digne, **fields))
    assert producers_seen == [accm.slug, digne.slug]
    tags = services.suggest("Aires de jeux", organisation=digne.slug)["tags"]
    assert tags == services.suggest("Aires de jeux")["tags"]


def test_no_title_says_so(client, editor, organisation, reference, territories):
    client.force_login(editor)
    response = client.post(URL, form_data(organisation, title="", suggest="1"))
    assert "abord un titre" in response.content.decode()


def test_the_panel_is_on_the_empty_form(client, editor, organisation, reference):
    client.force_login(editor)
    page = client.get(URL).content.decode()
    assert "Proposer des thèmes et mots-clés" in page
    assert "intelligence/suggestions.js" in page


def test_editing_reads_the_loaded_columns(client, editor, organisation, make_dataset,
                                          reference, territories):
    from datasud.catalog.models import Resource
    from datasud.datastore.models import Load, Table

    dataset = make_dataset("Effectifs des écoles")
    resource = Resource.objects.create(dataset=dataset, title="Effectifs", format="zip",
                                       url="https://example.org/effectifs.zip")
    load = Load.objects.create(resource=resource, number=1, status=Load.Status.SUCCEEDED,
                               is_current=True)
    Table.objects.create(load=load, file="x.parquet", row_count=2, profile=[
        {"name": "code_insee", "top_values": [{"value": "84007", "count": 2}]}])
    client.force_login(editor)
    response = client.post(f"/jeux-de-donnees/{dataset.slug}/modifier/",
                           form_data(organisation, title="Effectifs des écoles", suggest="1"))
    assert response.status_code == 200
    assert 'value="territory:commune:84007"' in response.content.decode()  # Avignon


def test_enter_in_a_field_saves_rather_than_asks_for_suggestions(client, editor, organisation,
                                                                 reference):
    """Implicit submission (Enter in a text field) clicks the form's first submit button:
    it must be a plain save, not the suggestions button that comes before "Enregistrer"."""
    client.force_login(editor)
    page = client.get(URL).content.decode()
    form = page[page.index('<form method="post" class="form"'):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button and "name=" not in first_button


def test_in_english_themes_are_named_in_english(client, editor, organisation, reference,
                                                territories):
    """The form's theme boxes, the panel's buttons and the script's words follow the
    page's language (the script reads its words from the page: `suggestion-labels`)."""
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    page = client.post(URL, form_data(organisation, suggest="1")).content.decode()
    assert "Mobility and transport" in page and "Mobilité et transports" not in page
    assert "Add the theme “Mobility and transport”" in page
    labels = re.search(r'<script id="suggestion-labels" type="application/json">(.*?)'
                       r"</script>", page).group(1)
    assert '"Themes"' in labels and "Add the theme \\u201c%(name)s\\u201d" in labels
    assert "Mots" not in labels
