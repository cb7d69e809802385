"""An organisation's members page (add, change role, remove, the last administrator rule)
and requests to join (ask, accept, refuse), with the e-mails they send."""
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from datasud.accounts.models import Membership, MembershipRequest
from datasud.catalog.models import Organisation


@pytest.fixture
def members_url(organisation):
    return reverse("catalog:organisation_members", args=[organisation.slug])


def membership(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


# --- Who may manage members ---------------------------------------------------------------

def test_members_page_permissions(client_for, members_url, outsider, editor, org_admin,
                                  staff):
    response = client_for().get(members_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client_for(outsider).get(members_url).status_code == 403
    assert client_for(editor).get(members_url).status_code == 403
    for user in (org_admin, staff):
        response = client_for(user).get(members_url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "orgadmin" in html and "editor" in html and "Ajouter un membre" in html
    unknown = reverse("catalog:organisation_members", args=["inconnue"])
    assert client_for(org_admin).get(unknown).status_code == 404


def test_changes_need_an_administrator_and_a_post(client_for, organisation, outsider, editor,
                                                  org_admin):
    target = membership(editor, organisation)
    urls = [reverse("catalog:member_add", args=[organisation.slug]),
            reverse("catalog:member_role", args=[organisation.slug, target.pk]),
            reverse("catalog:member_remove", args=[organisation.slug, target.pk])]
    data = {"user": "outsider", "role": "admin"}
    for url in urls:
        assert client_for(org_admin).get(url).status_code == 405
        assert client_for(outsider).post(url, data).status_code == 403
        assert client_for(editor).post(url, data).status_code == 403
        response = client_for().post(url, data)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    target.refresh_from_db()
    assert target.role == "editor"
    assert Membership.objects.filter(organisation=organisation).count() == 2


def test_a_member_of_another_organisation_is_not_found(client_for, organisation, org_admin,
                                                       outsider):
    other = Organisation.objects.create(name="Autre", slug="autre")
    foreign = Membership.objects.create(user=outsider, organisation=other)
    url = reverse("catalog:member_remove", args=[organisation.slug, foreign.pk])
    assert client_for(org_admin).post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


# --- Adding, changing roles, removing -----------------------------------------------------

def test_add_a_member_by_username_or_e_mail(client_for, organisation, org_admin, outsider,
                                           members_url):
    client = client_for(org_admin)
    url = reverse("catalog:member_add", args=[organisation.slug])
    response = client.post(url, {"user": "OUT@example.org", "role": "editor"})
    assert response.status_code == 302 and response["Location"] == members_url
    assert membership(outsider, organisation).role == "editor"
    # Already a member: said on the field.
    response = client.post(url, {"user": "outsider", "role": "admin"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_user_error"' in html and "déjà membre" in html
    assert membership(outsider, organisation).role == "editor"


def test_add_errors_are_shown_on_their_fields(client_for, organisation, org_admin):
    url = reverse("catalog:member_add", args=[organisation.slug])
    get_user_model().objects.create_user("dormant", "dormant@example.org", is_active=False)
    for typed in ("personne", "dormant", ""):
        response = client_for(org_admin).post(url, {"user": typed, "role": "editor"})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="id_user_error"' in html and 'href="#id_user"' in html
    response = client_for(org_admin).post(url, {"user": "orgadmin", "role": "chef"})
    assert response.status_code == 400 and 'id="id_role_error"' in response.content.decode()
    assert Membership.objects.filter(organisation=organisation).count() == 1


def test_change_a_role(client_for, organisation, org_admin, editor):
    target = membership(editor, organisation)
    url = reverse("catalog:member_role", args=[organisation.slug, target.pk])
    assert client_for(org_admin).post(url, {"role": "admin"}).status_code == 302
    target.refresh_from_db()
    assert target.role == "admin"
    assert client_for(org_admin).post(url, {"role": "roi"}).status_code == 400
    target.refresh_from_db()
    assert target.role == "admin"


def test_the_last_administrator_stays(client_for, organisation, org_admin, editor):
    own = membership(org_admin, organisation)
    for url, data in ((reverse("catalog:member_role", args=[organisation.slug, own.pk]),
                       {"role": "editor"}),
                      (reverse("catalog:member_remove", args=[organisation.slug, own.pk]), {})):
        response = client_for(org_admin).post(url, data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "au moins un administrateur" in html and 'role="alert"' in html
    own.refresh_from_db()
    assert own.role == "admin"
    # With a second administrator, the first may step down, then leave.
    Membership.objects.filter(user=editor).update(role="admin")
    url = reverse("catalog:member_role", args=[organisation.slug, own.pk])
    assert client_for(org_admin).post(url, {"role": "editor"}).status_code == 302
    own.refresh_from_db()
    assert own.role == "editor"


def test_remove_a_member(client_for, organisation, org_admin, editor, members_url):
    target = membership(editor, organisation)
    url = reverse("catalog:member_remove", args=[organisation.slug, target.pk])
    response = client_for(org_admin).post(url)
    assert response.status_code == 302 and response["Location"] == members_url
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert client_for(org_admin).post(url).status_code == 404


def test_an_administrator_may_leave_if_another_remains(client_for, organisation, org_admin,
                                                       outsider):
    Membership.objects.create(user=outsider, organisation=organisation, role="admin")
    own = membership(org_admin, organisation)
    url = reverse("catalog:member_remove", args=[organisation.slug, own.pk])
    response = client_for(org_admin).post(url)
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_staff_manage_any_organisation(client_for, organisation, staff, outsider, org_admin):
    client = client_for(staff)
    url = reverse("catalog:member_add", args=[organisation.slug])
    assert client.post(url, {"user": "outsider", "role": "admin"}).status_code == 302
    assert membership(outsider, organisation).role == "admin"
    own = membership(org_admin, organisation)
    remove = reverse("catalog:member_remove", args=[organisation.slug, own.pk])
    assert client.post(remove).status_code == 302


# --- Requests to join ---------------------------------------------------------------------

def test_organisation_page_offers_to_join(client_for, organisation, outsider, editor,
                                          org_admin, staff):
    join_url = reverse("catalog:organisation_join", args=[organisation.slug])
    anonymous = client_for().get(organisation.get_absolute_url()).content.decode()
    assert f"{reverse('accounts:login')}?next={join_url}" in anonymous
    assert join_url in client_for(outsider).get(organisation.get_absolute_url()).content.decode()
    for member in (editor, org_admin, staff):
        assert join_url not in client_for(member).get(
            organisation.get_absolute_url()).content.decode()
    edit_url = reverse("catalog:organisation_edit", args=[organisation.slug])
    members_url = reverse("catalog:organisation_members", args=[organisation.slug])
    for user, shown in ((outsider, False), (editor, False), (org_admin, True), (staff, True)):
        html = client_for(user).get(organisation.get_absolute_url()).content.decode()
        assert (edit_url in html) is shown and (members_url in html) is shown


def test_ask_to_join_and_be_accepted(client_for, organisation, outsider, org_admin,
                                     django_capture_on_commit_callbacks):
    url = reverse("catalog:organisation_join", args=[organisation.slug])
    response = client_for().get(url)
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client = client_for(outsider)
    assert 'name="message"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Je suis au service SIG de la ville."})
    assert response.status_code == 302
    request = MembershipRequest.objects.get(user=outsider, organisation=organisation)
    assert request.status == "pending" and request.message.startswith("Je suis")
    [notice] = mail.outbox
    assert notice.to == ["adm@example.org"]
    assert "outsider" in notice.body and "service SIG" in notice.body
    assert reverse("catalog:organisation_members", args=[organisation.slug]) in notice.body
    # Asking again while it waits: said, not recorded twice.
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "est en attente" in html
    assert client.post(url, {"message": "Relance"}).status_code == 400
    assert "attend la réponse" in client.get(url).content.decode()
    assert MembershipRequest.objects.filter(user=outsider).count() == 1

    admin = client_for(org_admin)
    members_page = admin.get(reverse("catalog:organisation_members", args=[organisation.slug]))
    assert "service SIG" in members_page.content.decode()
    accept = reverse("catalog:request_accept", args=[organisation.slug, request.pk])
    assert admin.post(accept, {"role": "boss"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(accept, {"role": "editor"}).status_code == 302
    assert membership(outsider, organisation).role == "editor"
    request.refresh_from_db()
    assert request.status == "accepted" and request.decided_by == org_admin
    assert mail.outbox[-1].to == ["out@example.org"]
    assert "acceptée" in mail.outbox[-1].body
    # Decided once: a second answer is refused and changes nothing.
    refuse = reverse("catalog:request_refuse", args=[organisation.slug, request.pk])
    assert admin.post(refuse).status_code == 400
    assert Membership.objects.filter(user=outsider).exists()
    # A member has nothing to ask.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()


def test_refuse_a_request(client_for, organisation, outsider, org_admin, editor,
                          django_capture_on_commit_callbacks):
    request = MembershipRequest.objects.create(user=outsider, organisation=organisation)
    refuse = reverse("catalog:request_refuse", args=[organisation.slug, request.pk])
    accept = reverse("catalog:request_accept", args=[organisation.slug, request.pk])
    for url in (refuse, accept):
        assert client_for(editor).post(url, {"role": "editor"}).status_code == 403
        assert client_for(outsider).post(url, {"role": "admin"}).status_code == 403
        assert client_for(org_admin).get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org_admin).post(refuse, {"reason": "Réservé aux agents."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "refused"
    assert not Membership.objects.filter(user=outsider).exists()
    [notice] = mail.outbox
    assert notice.to == ["out@example.org"] and "Réservé aux agents." in notice.body
    # Refused, one may ask again later.
    join = reverse("catalog:organisation_join", args=[organisation.slug])
    assert client_for(outsider).post(join, {"message": ""}).status_code == 302
    assert MembershipRequest.objects.filter(user=outsider, status="pending").count() == 1


def test_requests_of_an_organisation_without_admin_go_to_staff(
        client_for, outsider, staff, django_capture_on_commit_callbacks):
    orphan = Organisation.objects.create(name="Syndicat d'Apt", slug="orphelin")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(outsider).post(reverse("catalog:organisation_join", args=[orphan.slug]))
    [notice] = mail.outbox
    assert notice.to == ["staff@example.org"]
    # Plain text: no HTML escaping in the subject or the body.
    assert "Syndicat d'Apt" in notice.subject and "Syndicat d'Apt" in notice.body


def test_a_request_of_another_organisation_is_not_found(client_for, organisation, org_admin,
                                                        outsider):
    other = Organisation.objects.create(name="Autre", slug="autre")
    request = MembershipRequest.objects.create(user=outsider, organisation=other)
    url = reverse("catalog:request_accept", args=[organisation.slug, request.pk])
    assert client_for(org_admin).post(url, {"role": "admin"}).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_join_unknown_organisation_is_404(client_for, outsider):
    url = reverse("catalog:organisation_join", args=["inconnue"])
    assert client_for(outsider).get(url).status_code == 404


def test_join_message_is_bounded(client_for, organisation, outsider):
    url = reverse("catalog:organisation_join", args=[organisation.slug])
    response = client_for(outsider).post(url, {"message": "x" * 1001})
    assert response.status_code == 400
    assert 'id="id_message_error"' in response.content.decode()
    assert not MembershipRequest.objects.exists()
