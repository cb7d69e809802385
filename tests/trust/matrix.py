"""The permission matrix, written out: who may see and change which dataset of organisation A.

`catalog/querysets.py` is the single source of truth (`Dataset.objects.visible_to(user)`,
`.editable_by(user)`, `Organisation.objects.administered_by(user)`);
`test_matrix_states_the_querysets` checks that these tables say exactly what it does, so
that a change of the rules shows up here, in plain sight, before it reaches any surface.

    SEES (visible_to)   public  draft  private  archived
    anonymous             x       .       .        x
    outsider              x       .       .        x
    b_member              x       .       .        x
    editor (A)            x       x       x        x
    admin (A)             x       x       x        x
    staff                 x       x       x        x

    CHANGES (editable_by): editor, admin and staff, every dataset of A; nobody else.
    MANAGES A's MEMBERS (administered_by): admin and staff.

Surfaces narrow `SEES` in two documented ways (see `RULES`):
- search (pages, API, CKAN package_search, facet counts) leaves archived datasets out
  unless asked, like data.gouv.fr;
- what harvesters and crawlers read (DCAT, sitemap.xml, schema.org markup, CKAN
  package_list, CKAN package_search without include_private) is the public catalogue,
  whoever asks.
"""
from __future__ import annotations

from .world import KINDS, ROLES

_ALL = set(ROLES)
_INSIDERS = {"editor", "admin", "staff"}

SEES: dict[str, set[str]] = {
    "public": _ALL,
    "draft": _INSIDERS,
    "private": _INSIDERS,
    "archived": _ALL,
}
CHANGES: dict[str, set[str]] = {kind: _INSIDERS for kind in KINDS}
MANAGES_MEMBERS_OF_A: set[str] = {"admin", "staff"}

PUBLIC_KINDS = {"public", "archived"}


def sees(role: str, kind: str) -> bool:
    return role in SEES[kind]


def finds(role: str, kind: str) -> bool:
    """Search: what the role sees, archived datasets left out."""
    return sees(role, kind) and kind != "archived"


def published(role: str, kind: str) -> bool:
    """Harvesters' and crawlers' view: the public catalogue, whoever asks."""
    return kind in PUBLIC_KINDS


def published_and_current(role: str, kind: str) -> bool:
    """CKAN package_search without include_private: the public, current catalogue."""
    return kind == "public"


RULES = {"sees": sees, "finds": finds, "published": published,
         "published_and_current": published_and_current}
