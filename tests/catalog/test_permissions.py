"""The visibility rules every surface relies on."""
from datasud.catalog.models import Dataset


def test_anonymous_sees_only_published_public(make_dataset, django_user_model):
    public = make_dataset("Public")
    make_dataset("Draft", status=Dataset.Status.DRAFT)
    make_dataset("Private", private=True)
    from django.contrib.auth.models import AnonymousUser

    assert list(Dataset.objects.visible_to(AnonymousUser())) == [public]


def test_members_see_their_organisation_drafts(make_dataset, editor, outsider, staff):
    draft = make_dataset("Draft", status=Dataset.Status.DRAFT)
    assert draft in Dataset.objects.visible_to(editor)
    assert draft not in Dataset.objects.visible_to(outsider)
    assert draft in Dataset.objects.visible_to(staff)
    assert draft in Dataset.objects.editable_by(editor)
    assert not Dataset.objects.editable_by(outsider).exists()
