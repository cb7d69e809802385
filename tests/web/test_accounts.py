"""Sign in and out, the account page, API tokens shown once and stored hashed."""
import re

from django.urls import reverse

from datasud.accounts.models import ApiToken, hash_token


def test_sign_in_and_out(client, editor):
    response = client.post(reverse("accounts:login"),
                           {"username": "editor", "password": "pw-editor-123!",
                            "next": reverse("accounts:account")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    html = client.get(reverse("accounts:account")).content.decode()
    assert "Ville de Digne-les-Bains" in html and "Éditeur" in html
    # Django 5: sign-out is a POST (the header's button); GET is refused.
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_password_is_an_error(client, editor):
    response = client.post(reverse("accounts:login"),
                           {"username": "editor", "password": "mauvais"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_token_is_shown_once_and_stored_hashed(client_for, editor):
    client = client_for(editor)
    response = client.post(reverse("accounts:token_create"), {"name": "Script horaires"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    token = ApiToken.objects.get(user=editor)
    assert token.key_hash == hash_token(raw)
    assert raw not in {token.key_hash, token.prefix, token.name}
    assert ApiToken.authenticate(raw) == editor
    # Never again: the account page lists the token by its prefix only.
    html = client.get(reverse("accounts:account")).content.decode()
    assert raw not in html
    assert token.prefix in html and "Script horaires" in html


def test_token_needs_a_name(client_for, editor):
    response = client_for(editor).post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoke_a_token(client_for, editor, outsider):
    token, raw = ApiToken.issue(editor, "Vieux script")
    url = reverse("accounts:token_revoke", args=[token.pk])
    # Somebody else's token is not found; a GET does nothing.
    assert client_for(outsider).post(url).status_code == 404
    assert client_for(editor).get(url).status_code == 405
    response = client_for(editor).post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.authenticate(raw) is None
