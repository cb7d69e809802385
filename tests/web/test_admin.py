"""The admin back-office: every model's pages render; staff revoke tokens there."""
from django.urls import reverse

from datasud.accounts.models import ApiToken
from datasud.catalog.models import Activity


def test_admin_pages_render(client_for, catalogue, staff, editor):
    ApiToken.issue(editor, "Script")
    client = client_for(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert "DataSud — administration" in html
    for model in ("territories/territory", "catalog/theme", "catalog/licence",
                  "catalog/organisation", "catalog/dataset", "catalog/reuse", "catalog/tag",
                  "accounts/apitoken", "accounts/membership"):
        assert client.get(f"/admin/{model}/").status_code == 200, model
    dataset = catalogue["public"]
    assert client.get(f"/admin/catalog/dataset/{dataset.pk}/change/").status_code == 200
    organisation = dataset.organisation
    assert client.get(f"/admin/catalog/organisation/{organisation.pk}/change/").status_code == 200
    assert client.get("/admin/catalog/dataset/?status__exact=draft").status_code == 200


def test_admin_revokes_tokens(client_for, staff, editor):
    token, raw = ApiToken.issue(editor, "Fuite")
    response = client_for(staff).post("/admin/accounts/apitoken/", {
        "action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_for(staff).get("/admin/accounts/apitoken/add/").status_code == 403


def test_admin_changes_are_written_to_the_history(client_for, catalogue, staff):
    dataset = catalogue["departement"]
    client = client_for(staff)
    url = f"/admin/catalog/dataset/{dataset.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = value
    data.update(title="Routes départementales 2025", private="")
    for prefix in ("resources", "activities"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    activity = dataset.activities.get()
    assert activity.action == Activity.Action.UPDATED and activity.actor == staff
    assert activity.changes["title"] == ["Routes départementales", "Routes départementales 2025"]
