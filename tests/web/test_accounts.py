"""Sign in and out, brute-force protection, the account page, API tokens shown once and
stored hashed."""
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from datasud.accounts import throttle
from datasud.accounts.models import ApiToken, MembershipRequest, hash_token


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    # Failed sign-ins are counted in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, ip="192.0.2.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


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


def test_failed_sign_ins_block_the_account_for_a_while(client, editor, outsider):
    for _ in range(throttle.LOGIN_PER_ACCOUNT.max_attempts):
        assert sign_in(client, "editor", "mauvais").status_code == 200
    # Blocked, even with the right password, even from elsewhere, whatever the case typed.
    for ip in ("192.0.2.1", "198.51.100.7"):
        response = sign_in(client, " EDITOR ", "pw-editor-123!", ip=ip)
        assert response.status_code == 429
        html = response.content.decode()
        assert "Trop de tentatives" in html and "15 minutes" in html
        assert 'role="alert"' in html
        assert "_auth_user_id" not in client.session
    # Other accounts are not blocked.
    assert sign_in(client, "outsider", "pw-out-123!").status_code == 302


def test_unknown_and_known_accounts_are_blocked_alike(client, editor):
    """The answer never tells whether an account exists."""
    answers = {}
    for username in ("editor", "personne"):
        for _ in range(throttle.LOGIN_PER_ACCOUNT.max_attempts):
            sign_in(client, username, "mauvais")
        response = sign_in(client, username, "mauvais")
        answers[username] = (response.status_code,
                             re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|'
                                    r'value="(editor|personne)"', "",
                                    response.content.decode()))
    assert answers["editor"] == answers["personne"]
    assert answers["editor"][0] == 429


def test_one_address_guessing_many_accounts_is_blocked(client, editor):
    for n in range(throttle.LOGIN_PER_IP.max_attempts):
        sign_in(client, f"compte{n}", "mauvais", ip="203.0.113.9")
    assert sign_in(client, "editor", "pw-editor-123!", ip="203.0.113.9").status_code == 429
    # The account itself is not blocked: its owner signs in from their own connection.
    assert sign_in(client, "editor", "pw-editor-123!", ip="192.0.2.44").status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, editor):
    for _ in range(throttle.LOGIN_PER_ACCOUNT.max_attempts - 1):
        sign_in(client, "editor", "mauvais")
    assert sign_in(client, "editor", "pw-editor-123!").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(throttle.LOGIN_PER_ACCOUNT.max_attempts - 1):
        sign_in(client, "editor", "mauvais")
    assert sign_in(client, "editor", "pw-editor-123!").status_code == 302


def test_the_block_ends_after_its_window(client, editor):
    for _ in range(throttle.LOGIN_PER_ACCOUNT.max_attempts):
        sign_in(client, "editor", "mauvais")
    assert sign_in(client, "editor", "pw-editor-123!").status_code == 429
    # What the cache does when the window is over: the counter is gone.
    throttle.reset(throttle.LOGIN_PER_ACCOUNT, "editor")
    throttle.reset(throttle.LOGIN_PER_IP, "192.0.2.1")
    assert sign_in(client, "editor", "pw-editor-123!").status_code == 302


def test_account_page_links_and_requests(client_for, org_admin, editor, organisation, staff,
                                         outsider):
    html = client_for(org_admin).get(reverse("accounts:account")).content.decode()
    assert reverse("catalog:organisation_members", args=[organisation.slug]) in html
    assert reverse("accounts:password_change") in html
    assert reverse("accounts:account_delete") in html
    html = client_for(editor).get(reverse("accounts:account")).content.decode()
    assert reverse("catalog:organisation_members", args=[organisation.slug]) not in html
    assert reverse("catalog:organisation_create") not in html
    html = client_for(staff).get(reverse("accounts:account")).content.decode()
    assert reverse("catalog:organisation_create") in html
    html = client_for(outsider).get(reverse("accounts:account")).content.decode()
    assert "Mes demandes en attente" not in html
    MembershipRequest.objects.create(user=outsider, organisation=organisation)
    html = client_for(outsider).get(reverse("accounts:account")).content.decode()
    assert "Mes demandes en attente" in html and organisation.name in html
