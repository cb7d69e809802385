"""What a personal API token may do: its scopes and its organisation, enforced in one place.

Every surface that accepts a token (API v1, CKAN Action API, OGC API Features and vector
tiles, resource downloads) turns it into the user a request acts as through
`user_for_token(raw, need)`, and nothing else:

- `lecture`: read what the account may see beyond the public catalogue (private and draft
  datasets and their resources, programme applications, its organisations' members);
- `ecriture`: every change (catalogue, datastore loads and schemas, organisations,
  applications, revoking a token through the API);
- `datastore`: query the account's non-public tables (records, SQL, exports, OGC API
  Features, tiles).

A read whose scope the token lacks is answered as to an anonymous visitor (the public
catalogue stays readable with any token); an operation that exists only for signed-in
people (`need.signed_in`) and every write are refused with 403. A token restricted to one
organisation acts only through its membership of that organisation, without staff powers
(`member_organisation_ids`, which the permission querysets read). Tokens made before scopes
existed have every scope and no organisation, like the default of a new token.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

READ, WRITE, DATASTORE = "lecture", "ecriture", "datastore"
#: Every scope, in the order forms list them; a new token has them all unless told.
SCOPES = (READ, WRITE, DATASTORE)
SCOPE_LABELS = {
    READ: gettext_lazy(
        "Lecture : jeux privés et brouillons, candidatures, membres de vos organisations"
    ),
    WRITE: gettext_lazy("Écriture : publier et modifier (catalogue, entrepôt, candidatures)"),
    DATASTORE: gettext_lazy(
        "Entrepôt de données : lignes, SQL, exports, OGC API et tuiles des tables non publiques"
    ),
}


@dataclass(frozen=True)
class Need:
    """What a request needs of its token: the scope, and whether the operation is only for
    signed-in people (no anonymous answer to fall back to)."""

    scope: str
    signed_in: bool = False


class ScopeDenied(PermissionDenied):
    """The token lacks the scope (or the organisation) the request needs: 403."""


def need_for(method: str, *, datastore: bool = False, signed_in: bool = False) -> Need:
    """The need of a request: any unsafe method is a write; a safe one reads the datastore
    or the catalogue."""
    if method.upper() not in ("GET", "HEAD", "OPTIONS"):
        return Need(WRITE, signed_in=True)
    return Need(DATASTORE if datastore else READ, signed_in=signed_in)


def user_for_token(raw: str, need: Need):
    """The user a request made with the raw token `raw` acts as, for `need`.

    None: no such active token (the caller answers 401 or its surface's equivalent).
    Raises `ScopeDenied` for a write, or a signed-in-only read, that the token's scopes do
    not allow. Returns AnonymousUser for a public read the scopes do not cover, else the
    token's owner, narrowed to the token's organisation if it has one.
    """
    from .models import ApiToken

    token = ApiToken.authenticate_token(raw)
    if token is None:
        return None
    if need.scope not in token.scopes:
        if need.signed_in:
            raise ScopeDenied(
                _("Ce jeton n'a pas la portée « %(scope)s » que demande cette opération.")
                % {"scope": need.scope}
            )
        return AnonymousUser()
    if token.organisation_id is None:
        return token.user
    return restricted_user(token.user, token.organisation_id)


def restricted_user(user, organisation_id: int):
    """A copy of `user` acting only as a member of `organisation_id`: no staff powers, no
    other membership. It refuses to be saved (the account itself is unchanged)."""
    narrowed = copy.copy(user)
    narrowed.is_staff = narrowed.is_superuser = False
    narrowed.token_organisation_id = organisation_id

    def refuse_save(*args, **kwargs):
        raise ScopeDenied(_("Un jeton limité à une organisation ne modifie pas le compte."))

    narrowed.save = refuse_save
    return narrowed


def memberships_of(user):
    """The memberships `user` acts through: all of them, or only the one of the
    organisation their token is restricted to."""
    from .models import Membership

    memberships = Membership.objects.filter(user=user)
    organisation_id = getattr(user, "token_organisation_id", None)
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    return memberships


def member_organisation_ids(user, roles: tuple[str, ...] | None = None):
    """The ids (a subquery) of the organisations `user` acts as a member of, with one of
    `roles` if given: what every permission queryset reads."""
    memberships = memberships_of(user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("organisation_id")
