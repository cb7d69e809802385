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

Applications to a programme (`programmes/querysets.py`: `Application.objects.visible_to`,
`.instructable_by`) are objects too: A's (in instruction) and B's (accepted).

    SEES (visible_to)   application-a  application-b
    anonymous                 .              .
    outsider                  .              .
    b_member                  .              x
    editor (A)                x              .
    admin (A)                 x              .
    staff                     x              x
    consultant                .              x      (assigned to B's: `accompanied_by`)

    CHANGES (moves its status): staff (`instructable_by`), and B's consultant, whose one
    move from "retenue" is the one the matrix makes (`workflow.CONSULTANT_MOVES`).
    ACCOMPANIES (assigned consultant: "Mes accompagnements", recording steps): B's
    consultant; staff too record steps. The steps' notes: staff and the consultant only.
    OWNS ("mes candidatures", the call's page): the members of the applicant organisation
    (not the staff, whose list is the instruction one).
    Published (the programme's participant page): engaged applications (B's), to everybody.

Surfaces narrow `SEES` in two documented ways (see `RULES`):
- search (pages, API, CKAN package_search, facet counts) leaves archived datasets out
  unless asked, like data.gouv.fr;
- what harvesters and crawlers read (DCAT, sitemap.xml, schema.org markup, CKAN
  package_list, CKAN package_search without include_private) is the public catalogue,
  whoever asks.
"""
from __future__ import annotations

from .world import APPLICATION_ROLES, KINDS, ROLES

_ALL = set(ROLES)
_INSIDERS = {"editor", "admin", "staff"}

SEES: dict[str, set[str]] = {
    "public": _ALL,
    "draft": _INSIDERS,
    "private": _INSIDERS,
    "archived": _ALL,
}
CHANGES: dict[str, set[str]] = {kind: _INSIDERS for kind in KINDS}
# Applications: seen by the applicant organisation's members and staff; moved by staff.
SEES.update({"application-a": {"editor", "admin", "staff"},
             "application-b": {"b_member", "staff", "consultant"}})
CHANGES.update({"application-a": {"staff"}, "application-b": {"staff", "consultant"}})
#: The applications each role accompanies as the assigned consultant.
ACCOMPANIES: dict[str, set[str]] = {"application-a": set(), "application-b": {"consultant"}}
#: Who reads an accompaniment's notes and who wrote them: staff and the consultant.
#: (A's application, in instruction, has no accompaniment, hence no notes for anyone.)
READS_NOTES: dict[str, set[str]] = {"application-a": set(),
                                    "application-b": {"staff", "consultant"}}
OWNS: dict[str, set[str]] = {"application-a": {"editor", "admin"},
                             "application-b": {"b_member"}}
ENGAGED_APPLICATIONS = {"application-b"}
#: Who may apply to the open call in A's name (`programmes.services.apply`): A's members.
APPLIES_FOR_A: set[str] = {"editor", "admin"}
MANAGES_MEMBERS_OF_A: set[str] = {"admin", "staff"}

PUBLIC_KINDS = {"public", "archived"}
#: The roles each kind of object is checked for (the consultant only matters to applications).
ROLES_OF = {"dataset": ROLES, "resource": ROLES, "application": APPLICATION_ROLES}


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


def owns(role: str, kind: str) -> bool:
    """An application on its organisation's own lists: its members only."""
    return role in OWNS[kind]


def accompanies(role: str, kind: str) -> bool:
    """"Mes accompagnements": the applications assigned to the consultant."""
    return role in ACCOMPANIES[kind]


def reads_notes(role: str, kind: str) -> bool:
    """The notes of an accompaniment's steps: staff and the assigned consultant."""
    return role in READS_NOTES[kind]


def instructs(role: str, kind: str) -> bool:
    """The instruction list: every application, to staff only."""
    return role == "staff"


def published_application(role: str, kind: str) -> bool:
    """The participant page: engaged applications, whoever asks."""
    return kind in ENGAGED_APPLICATIONS


def produces(role: str, kind: str) -> bool:
    """The producer's own view (quality advice on the dataset page): who changes it."""
    return role in CHANGES[kind]


def maintains(role: str, kind: str) -> bool:
    """The organisation's quality dashboard: its members and staff, archived datasets left
    out (no longer maintained)."""
    return produces(role, kind) and kind != "archived"


RULES = {"sees": sees, "finds": finds, "published": published, "produces": produces,
         "maintains": maintains,
         "published_and_current": published_and_current, "owns": owns,
         "instructs": instructs, "published_application": published_application,
         "accompanies": accompanies, "reads_notes": reads_notes}
