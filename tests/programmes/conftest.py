"""A small world for the programmes: two programmes and their calls, applicant
organisations of several kinds with their members, staff. Built through the models (the
setup) and the services (what is tested)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from datasud.accounts.models import Membership
from datasud.catalog.models import Organisation
from datasud.programmes.models import Call, Place, Programme
from datasud.programmes.workflow import transitions_for
from datasud.territories.models import Territory

ALL = ["submitted", "under_review", "diagnostic", "accepted", "rejected", "in_progress",
       "completed"]
FORM = {"fields": [
    {"name": "projet", "label": "Intitulé du projet", "type": "text", "required": True,
     "max_length": 50},
    {"name": "themes", "label": "Thèmes", "type": "multichoice",
     "choices": ["Web marketing", "Cybersécurité"]},
    {"name": "effectif", "label": "Effectif", "type": "integer"},
]}


def _user(name: str, organisation=None, **fields):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw-123-secret!",
                                                **fields)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def coach(db, now):
    programme = Programme.objects.create(slug="coach-digital", name="Coach Digital",
                                         statuses=ALL, transitions=transitions_for(ALL))
    Call.objects.create(programme=programme, slug="accompagnement", title="Accompagnement",
                        kind="ami", recurrence="permanent", opens_at=now - dt.timedelta(days=30),
                        eligible_kinds=["entreprise"], form=FORM)
    return programme


@pytest.fixture
def open_call(coach):
    return coach.calls.get(slug="accompagnement")


@pytest.fixture
def closed_call(coach, now):
    return Call.objects.create(programme=coach, slug="ancien", title="Ancien appel",
                               opens_at=now - dt.timedelta(days=60),
                               closes_at=now - dt.timedelta(days=1),
                               eligible_kinds=["entreprise"], form=FORM)


@pytest.fixture
def epci_territory(db):
    return Territory.objects.create(level=Territory.Level.EPCI, code="200067106",
                                    name="CA Gap-Tallard-Durance", kind="CA")


@pytest.fixture
def psst(db, now):
    statuses = ["submitted", "under_review", "accepted", "rejected", "in_progress",
                "completed"]
    programme = Programme.objects.create(slug="psst", name="Parcours Sud Smart Territoires",
                                         statuses=statuses,
                                         transitions=transitions_for(statuses))
    Call.objects.create(programme=programme, slug="psst-2022", title="PSST 2022", kind="ami",
                        year=2022, opens_at=now - dt.timedelta(days=10),
                        closes_at=now + dt.timedelta(days=10), eligible_kinds=["epci"],
                        form={"fields": [FORM["fields"][0]]})
    return programme


@pytest.fixture
def company(db):
    return Organisation.objects.create(name="Boulangerie Durance", slug="boulangerie",
                                       type=Organisation.Type.ENTREPRISE)


@pytest.fixture
def rival(db):
    return Organisation.objects.create(name="Menuiserie Rivale", slug="rivale",
                                       type=Organisation.Type.ENTREPRISE)


@pytest.fixture
def epci(db, epci_territory):
    return Organisation.objects.create(name="CA Gap-Tallard-Durance", slug="ca-gap",
                                       type=Organisation.Type.COMMUNAUTE_AGGLOMERATION,
                                       territory=epci_territory)


@pytest.fixture
def applicant(company):
    return _user("applicant", company)


@pytest.fixture
def rival_member(rival):
    return _user("rivalmember", rival)


@pytest.fixture
def epci_member(epci):
    return _user("epcimember", epci)


@pytest.fixture
def instructor(db):
    return _user("instructor", is_staff=True)


@pytest.fixture
def answers():
    return {"projet": "Site vitrine", "themes": ["Web marketing"], "effectif": "4"}


@pytest.fixture
def make_place(db):
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        n = counter["n"]
        values = {"local_id": f"lieu-{n}", "slug": f"lieu-{n}", "pivot": "00000000000000",
                  "nom": f"Lieu {n}", "commune": "Gap", "code_postal": "05000",
                  "code_insee": "05061", "departement": "05", "adresse": "1 rue du Lieu",
                  "date_maj": dt.date(2024, 8, 1), "latitude": 44.56, "longitude": 6.08}
        values.update(fields)
        return Place.objects.create(**values)

    return make


@pytest.fixture
def firm(db):
    return Organisation.objects.create(name="Cabinet Numérique Sud", slug="cabinet",
                                       type=Organisation.Type.ENTREPRISE)


@pytest.fixture
def consultant(firm):
    """A consultant registered by staff: an account, its structure, no programme limit."""
    from datasud.programmes.models import Consultant

    return Consultant.objects.create(user=_user("consultante"), organisation=firm)


def _accepted(application, instructor):
    from datasud.programmes import services

    for status in ("under_review", "diagnostic", "accepted"):
        services.move(instructor, application, status)
    return application


@pytest.fixture
def accepted(open_call, company, applicant, answers, instructor):
    """The company's application, retained by staff."""
    from datasud.programmes import services

    return _accepted(services.apply(applicant, open_call, company, answers), instructor)


@pytest.fixture
def rival_accepted(open_call, rival, rival_member, instructor):
    from datasud.programmes import services

    return _accepted(services.apply(rival_member, open_call, rival,
                                    {"projet": "Projet confidentiel de la rivale",
                                     "themes": ["Cybersécurité"]}), instructor)
