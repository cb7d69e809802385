"""Sign-up with e-mail confirmation, password reset and change, account deletion: the pages
and the e-mails they send (Django's mail outbox)."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from datasud.accounts.models import ApiToken, Membership, MembershipRequest
from datasud.accounts.signup import activation_tokens
from datasud.catalog import services
from datasud.catalog.models import Activity, Dataset, Reuse

User = get_user_model()
PASSWORD = "Un-mot-de-passe-solide-42"
SIGNUP = {"username": "camille", "email": "Camille@Example.org", "first_name": "Camille",
          "last_name": "Durand", "password1": PASSWORD, "password2": PASSWORD}


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    # Attempt counters live in the cache, which outlives a test.
    cache.clear()
    settings.SITE_URL = "https://datasud.example"
    yield
    cache.clear()


def link_in(message) -> str:
    """The path of the platform's link in an e-mail, checked to be on SITE_URL."""
    match = re.search(r"https://datasud\.example(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


# --- Sign-up ------------------------------------------------------------------------------

def test_sign_up_confirm_and_sign_in(client, db):
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get(username="camille")
    assert not user.is_active
    assert user.email == "Camille@example.org"  # the domain is normalised
    assert user.check_password(PASSWORD)
    assert "Camille@example.org" in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["Camille@example.org"]
    assert "Confirmez votre inscription" in message.subject
    link = link_in(message)
    # Not active yet: signing in fails like a wrong password.
    response = client.post(reverse("accounts:login"),
                           {"username": "camille", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # Opening the link (a mail scanner would) changes nothing; the button activates.
    response = client.get(link)
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    # The link works once.
    assert client.post(link).status_code == 400
    assert client.get(link).status_code == 400


def test_confirmation_link_expires(client, db):
    client.post(reverse("accounts:signup"), SIGNUP)
    user = User.objects.get(username="camille")
    uid = link_in(mail.outbox[0]).split("/")[-3]
    generator = activation_tokens
    issued = generator._num_seconds(generator._now()) - int(
        generator.max_age.total_seconds()) - 60
    expired = generator._make_token_with_timestamp(user, issued, generator.secret)
    response = client.post(reverse("accounts:signup_confirm", args=[uid, expired]))
    assert response.status_code == 400
    assert "expiré" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_tampered_links_are_refused(client, db):
    client.post(reverse("accounts:signup"), SIGNUP)
    link = link_in(mail.outbox[0])
    for bad in (link[:-3] + "abc/", link.replace("/confirmer/", "/confirmer/Zm9v") ,
                reverse("accounts:signup_confirm", args=["!!", "1-2"])):
        assert client.post(bad).status_code in (400, 404)
    assert not User.objects.get(username="camille").is_active


def test_a_link_cannot_reactivate_a_disabled_account(client, db):
    client.post(reverse("accounts:signup"), SIGNUP)
    link = link_in(mail.outbox[0])
    client.post(link)
    user = User.objects.get(username="camille")
    # The DataSud team disables the account: the old link must not bring it back.
    user.is_active = False
    user.save()
    assert client.post(link).status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_known_address_makes_no_second_account(client, outsider):
    response = client.post(reverse("accounts:signup"),
                           {**SIGNUP, "email": "OUT@example.org"})
    # The same answer as for a new address: nothing tells the address is registered...
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert not User.objects.filter(username="camille").exists()
    # ...but its owner is told, with a way back in.
    [message] = mail.outbox
    assert message.to == ["out@example.org"]
    assert "outsider" in message.body
    assert link_in(message) == reverse("accounts:password_reset")


def test_unconfirmed_address_gets_its_link_again(client, db):
    client.post(reverse("accounts:signup"), SIGNUP)
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "username": "camille2"})
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="camille@example.org").count() == 1
    assert len(mail.outbox) == 2
    assert client.post(link_in(mail.outbox[1])).status_code == 302
    assert User.objects.get(username="camille").is_active


def test_sign_up_errors_are_shown_on_their_fields(client, outsider):
    response = client.post(reverse("accounts:signup"),
                           {**SIGNUP, "username": "Outsider", "password2": "autre"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_username_error"' in html and 'id="id_password2_error"' in html
    assert 'href="#id_username"' in html  # the summary links to the field
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": ""})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "password1": "12345678",
                                                        "password2": "12345678"})
    assert response.status_code == 400
    assert User.objects.count() == 1 and not mail.outbox


def test_mail_server_down_keeps_nothing(client, settings, db):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 503
    assert "Réessayez dans quelques minutes" in response.content.decode()
    # No half-made account: trying again later just works.
    assert not User.objects.filter(username="camille").exists()


def test_resend_the_link(client, db, outsider):
    client.post(reverse("accounts:signup"), SIGNUP)
    url = reverse("accounts:signup_resend")
    assert client.get(url).status_code == 200
    for address in ("camille@example.org", "personne@example.org", "out@example.org"):
        response = client.post(url, {"email": address})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:signup_done")
    # Only the unconfirmed account got a (new) link.
    assert [m.to for m in mail.outbox] == [["Camille@example.org"]] * 2
    assert client.post(url, {"email": "pas une adresse"}).status_code == 400


def test_e_mails_sent_on_request_are_limited(client, db):
    url = reverse("accounts:signup_resend")
    for _ in range(3):
        assert client.post(url, {"email": "cible@example.org"}).status_code == 302
    response = client.post(url, {"email": "cible@example.org"})
    assert response.status_code == 429
    assert "Réessayez dans une heure" in response.content.decode()
    # Other addresses, from the same connection, until its own limit.
    for n in range(7):
        assert client.post(url, {"email": f"autre{n}@example.org"}).status_code == 302
    assert client.post(url, {"email": "encore@example.org"}).status_code == 429


def test_signed_in_people_skip_the_sign_up_form(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")


def test_pages_link_to_sign_up_and_password_reset(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:signup") in html and reverse("accounts:password_reset") in html
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("accounts:signup") in html


# --- Password reset and change ------------------------------------------------------------

def test_password_reset(client, editor):
    url = reverse("accounts:password_reset")
    assert "Mot de passe oublié" in client.get(url).content.decode()
    response = client.post(url, {"email": "ED@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["ed@example.org"] and "Nouveau mot de passe" in message.subject
    link = link_in(message)
    # Django swaps the token for a session key on the first visit.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Court", "new_password2": "Court"})
    assert response.status_code == 200 and 'id="id_new_password2_error"' in \
        response.content.decode()
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert "Mot de passe enregistré" in client.get(response["Location"]).content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
    # The link is spent.
    assert "pas valable" in client.get(link, follow=True).content.decode()


def test_password_reset_does_not_tell_who_has_an_account(client, editor):
    url = reverse("accounts:password_reset")
    unknown = client.post(url, {"email": "personne@example.org"})
    known = client.post(url, {"email": "ed@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert [m.to for m in mail.outbox] == [["ed@example.org"]]
    assert client.post(url, {"email": ""}).status_code == 400


def test_password_change(client, editor):
    url = reverse("accounts:password_change")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login"))
    client.force_login(editor)
    response = client.post(url, {"old_password": "faux", "new_password1": PASSWORD,
                                 "new_password2": PASSWORD})
    assert response.status_code == 400
    assert 'id="id_old_password_error"' in response.content.decode()
    response = client.post(url, {"old_password": "pw-editor-123!",
                                 "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
    # The session stays open and the owner is told.
    assert client.get(reverse("accounts:account")).status_code == 200
    [message] = mail.outbox
    assert message.to == ["ed@example.org"] and "changé" in message.subject


# --- Account deletion ---------------------------------------------------------------------

def test_account_deletion_says_what_goes_and_what_stays(client, editor, organisation,
                                                         django_capture_on_commit_callbacks):
    dataset = services.create_dataset(editor, organisation, title="Horaires des bus")
    ApiToken.issue(editor, "Script")
    personal = services.create_reuse(editor, title="Mon appli", url="https://example.org/a")
    for_org = services.create_reuse(editor, title="Carte de la ville",
                                    url="https://example.org/b", organisation=organisation)
    client.force_login(editor)
    url = reverse("accounts:account_delete")
    html = client.get(url).content.decode()
    assert "Ville de Digne-les-Bains" in html and "1 jeton d'API" in html
    assert "« Mon appli »" in html and "« Carte de la ville »" in html
    assert "restent à leur organisation" in html or "appartiennent à leur organisation" in html

    response = client.post(url, {"password": "mauvais"})
    assert response.status_code == 400
    assert 'id="id_password_error"' in response.content.decode()
    assert User.objects.filter(pk=editor.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password": "pw-editor-123!"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert not User.objects.filter(pk=editor.pk).exists()
    assert "_auth_user_id" not in client.session
    assert "Votre compte a été supprimé" in client.get(response["Location"]).content.decode()
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert not ApiToken.objects.exists()
    assert not Reuse.objects.filter(pk=personal.pk).exists()
    for_org.refresh_from_db()
    assert for_org.owner is None and for_org.organisation == organisation
    # The dataset stays with its organisation; its history keeps the change, nameless.
    assert Dataset.objects.filter(pk=dataset.pk, organisation=organisation).exists()
    assert Activity.objects.filter(dataset=dataset, actor__isnull=True).exists()
    [message] = mail.outbox
    assert message.to == ["ed@example.org"] and "supprimé" in message.subject


def test_last_admin_must_hand_over_first(client, org_admin, organisation, outsider):
    client.force_login(org_admin)
    url = reverse("accounts:account_delete")
    html = client.get(url).content.decode()
    assert "dernier administrateur" in html and 'name="password"' not in html
    response = client.post(url, {"password": "pw-admin-123!"})
    assert response.status_code == 400
    assert User.objects.filter(pk=org_admin.pk).exists()
    Membership.objects.create(user=outsider, organisation=organisation,
                              role=Membership.Role.ADMIN)
    assert client.post(url, {"password": "pw-admin-123!"}).status_code == 302
    assert not User.objects.filter(pk=org_admin.pk).exists()


def test_staff_accounts_are_deleted_from_the_back_office(client, staff):
    client.force_login(staff)
    response = client.post(reverse("accounts:account_delete"), {"password": "pw-staff-123!"})
    assert response.status_code == 400
    assert User.objects.filter(pk=staff.pk).exists()


def test_deletion_needs_a_session(client, db):
    response = client.post(reverse("accounts:account_delete"), {"password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_deleting_removes_pending_requests(client, outsider, organisation):
    MembershipRequest.objects.create(user=outsider, organisation=organisation)
    client.force_login(outsider)
    assert client.post(reverse("accounts:account_delete"),
                       {"password": "pw-out-123!"}).status_code == 302
    assert not MembershipRequest.objects.exists()
