"""The one fixture world every trust test reads: who exists, what they own, and the clients
that act as each of them.

Organisation A ("Ville de Trust") has an editor and an admin and four datasets, one of each
kind the permission rules tell apart (public, draft, private, archived public); organisation
B has one member and one public dataset; there is also an outsider with no organisation, a
staff member, and the anonymous visitor. Each dataset of A has its own tag, theme and
title word (so that a search result or a facet count can only come from it) and a tabular
resource loaded in the datastore through the real pipeline (upload -> queued load ->
Parquet), with its own number of rows (so that a `count(*)` says which table answered) and
coordinates (so that it is an OGC API Features collection too).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from datasud.accounts.membership_requests import request_membership
from datasud.accounts.models import ApiToken, Membership
from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Theme
from datasud.datastore.models import DeclaredSchema
from datasud.programmes import accompaniment
from datasud.programmes import services as programmes
from datasud.programmes.models import Application, Call, Consultant, Programme
from datasud.programmes.workflow import transitions_for
from datasud.search import indexing
from datasud.territories.models import Territory

#: Who may act, in the order the matrix lists them.
ROLES = ("anonymous", "outsider", "b_member", "editor", "admin", "staff")
#: Roles of the applications' cells: the consultant the staff assigned to B's application
#: (a member of no organisation: for datasets, an outsider like any other).
APPLICATION_ROLES = (*ROLES, "consultant")
#: The datasets of organisation A, one per kind the rules tell apart.
KINDS = ("public", "draft", "private", "archived")
#: A word of each dataset's title that no other text of the world contains.
WORDS = {"public": "ondine", "draft": "brumaire", "private": "cachette",
         "archived": "vestige"}
#: Rows of each dataset's table: a count(*) names the table that answered.
ROWS = {"public": 3, "draft": 4, "private": 5, "archived": 6}


def tag_of(kind: str) -> str:
    return f"confiance-{kind}"


def theme_of(kind: str) -> str:
    return f"theme-{kind}"


def slug_of(kind: str) -> str:
    return f"jeu-{WORDS[kind]}"


def commune_of(kind: str) -> str:
    """The INSEE-like code of the commune only the dataset of `kind` covers."""
    return f"9900{KINDS.index(kind)}"


#: The applications to the world's programme: A's, still in instruction ("déposée"), and
#: B's, accepted (so that B is a published participant of the programme).
APPLICATIONS = ("application-a", "application-b")
#: The word of each application's project title, found nowhere else in the world.
APPLICATION_WORDS = {"application-a": "aquilon", "application-b": "sirocco"}
PROGRAMME = "programme-confiance"
#: The call everybody applied to, and an open call nobody applied to yet (for the writes).
CALL, OPEN_CALL = "appel-confiance", "appel-ouvert"
#: The accompaniment step the consultant recorded on B's application: its title is shown to
#: B's members, its notes only to the consultant and staff.
STEP_TITLE, STEP_NOTES = "Atelier zéphyr", "Notes mistral"
CALL_FORM = {"fields": [{"name": "projet", "label": "Intitulé du projet", "type": "text",
                         "required": True, "max_length": 80}]}


SCHEMA = {"fields": [{"name": "code", "type": "string"}, {"name": "libelle", "type": "string"},
                     {"name": "valeur", "type": "integer"}, {"name": "longitude", "type": "number"},
                     {"name": "latitude", "type": "number"}]}


def csv_of(kind: str) -> bytes:
    """Rows with coordinates: the table is also an OGC API Features collection."""
    lines = ["code;libelle;valeur;longitude;latitude"]
    lines += [f"{n:03d};ligne {WORDS[kind]} {n};{n * 10};6.{n:02d};44.{n:02d}"
              for n in range(1, ROWS[kind] + 1)]
    return ("\n".join(lines) + "\n").encode()


@dataclass
class World:
    users: dict[str, object]                 # role -> user (None for anonymous)
    tokens: dict[str, str]                   # role -> raw API token (not for anonymous)
    org_a: Organisation
    org_b: Organisation
    datasets: dict[str, Dataset]             # kind -> dataset of A
    resources: dict[str, Resource]           # kind -> its loaded tabular resource
    b_dataset: Dataset
    #: role -> session cookie, signed in once for the whole world (no login per test).
    sessions: dict[str, str] = field(default_factory=dict)
    programme: Programme | None = None
    #: APPLICATIONS kind -> the application of A (in instruction) or of B (accepted).
    applications: dict[str, Application] = field(default_factory=dict)

    def client(self, role: str, *, session: bool = True, token: bool = True,
               **kwargs) -> Client:
        """A test client acting as `role`: signed in (pages) and carrying the role's API
        token (API v1, CKAN API), either of which may be left out."""
        headers = {}
        if token and role in self.tokens:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        client = Client(headers=headers, **kwargs)
        if session and role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def build_world() -> World:
    """Create the world in the current database (call inside a transaction that the caller
    rolls back, with on-commit callbacks executed so that the loads run)."""
    User = get_user_model()
    # No passwords: everybody signs in by session cookie or token, and hashing five
    # passwords would cost more than the rest of the world.
    org_a = Organisation.objects.create(name="Ville de Trust", slug="ville-de-trust",
                                        type=Organisation.Type.COMMUNE)
    org_b = Organisation.objects.create(name="Commune Voisine", slug="commune-voisine",
                                        type=Organisation.Type.COMMUNE)
    users = {
        "anonymous": None,
        "outsider": User.objects.create_user("t-outsider", "t-out@example.org"),
        "b_member": User.objects.create_user("t-bmember", "t-b@example.org"),
        "editor": User.objects.create_user("t-editor", "t-ed@example.org"),
        "admin": User.objects.create_user("t-admin", "t-adm@example.org"),
        "staff": User.objects.create_user("t-staff", "t-staff@example.org",
                                          is_staff=True, is_superuser=True),
        "consultant": User.objects.create_user("t-consultant", "t-cons@example.org"),
    }
    Membership.objects.create(user=users["editor"], organisation=org_a,
                              role=Membership.Role.EDITOR)
    Membership.objects.create(user=users["admin"], organisation=org_a,
                              role=Membership.Role.ADMIN)
    Membership.objects.create(user=users["b_member"], organisation=org_b,
                              role=Membership.Role.ADMIN)
    # The outsider asked to join A: a pending request for A's administrators to decide.
    request_membership(users["outsider"], org_a, "Je voudrais publier avec vous.")
    tokens = {role: ApiToken.issue(user, "confiance")[1]
              for role, user in users.items() if user is not None}
    licence = Licence.objects.create(slug="lov2-confiance", title="Licence Ouverte 2.0")
    editor = users["editor"]
    datasets, resources = {}, {}
    for kind in KINDS:
        theme = Theme.objects.create(slug=theme_of(kind), name=f"Thème {WORDS[kind]}")
        commune = Territory.objects.create(level=Territory.Level.COMMUNE,
                                           code=commune_of(kind), name=f"Val-{WORDS[kind]}")
        dataset = catalog.create_dataset(
            editor, org_a, title=f"Relevés {WORDS[kind]}", slug=slug_of(kind),
            description=f"Les relevés {WORDS[kind]}.", themes=[theme], tags=[tag_of(kind)],
            territories=[commune], licence=licence,
            status=Dataset.Status.DRAFT if kind == "draft" else Dataset.Status.PUBLISHED,
            private=kind == "private")
        resources[kind] = catalog.add_resource(
            editor, dataset, title=f"Table {WORDS[kind]}",
            upload=SimpleUploadedFile(f"{WORDS[kind]}.csv", csv_of(kind)))
        # Declared without a reload (the service would queue one): only read here.
        DeclaredSchema.objects.create(resource=resources[kind], descriptor=SCHEMA)
        datasets[kind] = dataset
    Dataset.objects.filter(pk=datasets["archived"].pk).update(archived_at=timezone.now())
    datasets["archived"].refresh_from_db()
    b_dataset = catalog.create_dataset(users["b_member"], org_b, title="Voirie voisine",
                                       slug="voirie-voisine", licence=licence,
                                       status=Dataset.Status.PUBLISHED)
    indexing.reindex([d.pk for d in [*datasets.values(), b_dataset]])
    programme, applications = _build_applications(users, org_a, org_b)
    sessions = {}
    for role, user in users.items():
        if user is not None:
            browser = Client()
            browser.force_login(user)
            sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return World(users=users, tokens=tokens, org_a=org_a, org_b=org_b, datasets=datasets,
                 resources=resources, b_dataset=b_dataset, sessions=sessions,
                 programme=programme, applications=applications)


def _build_applications(users, org_a, org_b):
    """A programme with two calls open to communes; A and B applied to the first one
    through the service, as their members would, and the staff accepted B's."""
    statuses = ["submitted", "under_review", "accepted", "rejected", "in_progress",
                "completed"]
    programme = Programme.objects.create(slug=PROGRAMME, name="Programme de confiance",
                                         statuses=statuses,
                                         transitions=transitions_for(statuses))
    opens = timezone.now() - dt.timedelta(days=1)
    calls = {slug: Call.objects.create(programme=programme, slug=slug, title=f"Appel {slug}",
                                       opens_at=opens, eligible_kinds=["commune"],
                                       form=CALL_FORM)
             for slug in (CALL, OPEN_CALL)}
    applications = {}
    for kind, organisation, member in (("application-a", org_a, users["editor"]),
                                       ("application-b", org_b, users["b_member"])):
        applications[kind] = programmes.apply(
            member, calls[CALL], organisation,
            {"projet": f"Projet {APPLICATION_WORDS[kind]}"})
    for status in ("under_review", "accepted"):
        programmes.move(users["staff"], applications["application-b"], status)
    consultant = Consultant.objects.create(user=users["consultant"])
    accompaniment.assign(users["staff"], applications["application-b"], consultant)
    accompaniment.record_step(users["consultant"], applications["application-b"],
                              timezone.localdate(), STEP_TITLE, STEP_NOTES)
    return programme, applications
