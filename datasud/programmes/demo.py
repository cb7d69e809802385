"""Demo content of the programmes (`datasud load_programmes_demo`): the three programmes of
the seed, their calls, the 162 France Services places of PACA as stand-in Sud Labs places,
and activity reports and applications invented for the demo. Everything it creates is
flagged `is_demo` and shown as such on every page; running it again changes nothing.

Applications of the past calls are written directly with their dated history (the calls
are closed, so `services.apply` would rightly refuse them); they are demo records, not
something a person did.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from datasud.catalog.models import Dataset, Organisation, Reuse
from datasud.territories.models import Territory

from .models import (
    AccompanimentStep,
    ActivityReport,
    ApplicantProfile,
    Application,
    Call,
    Event,
    Place,
    Programme,
)
from .places_csv import import_places
from .publication import service_account
from .workflow import Status, transitions_for

DATA = Path(__file__).parent / "data"
DEMO_PLACES = DATA / "lieux-demo-france-services-paca-2024.csv"
SEED = 2026  # the demo figures are invented, but the same at every run
SERVICES = ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
            "Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique",
            "Accès internet et matériel informatique"]
COACH_THEMES = ["Web marketing", "Présence en ligne", "Cybersécurité",
                "Outils de gestion et collaboratifs"]


def _aware(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 9, 0))


PROGRAMMES = [
    {"slug": "sud-labs", "name": "Sud Labs", "position": 1,
     "summary": "Le réseau régional des lieux d'innovation et de médiation numérique "
                "labellisés.",
     "description": "Les Sud Labs accueillent chefs d'entreprise, demandeurs d'emploi et "
                    "citoyens pour les accompagner dans leurs usages du numérique. Chaque lieu "
                    "labellisé déclare chaque année son activité.",
     "statuses": ["submitted", "under_review", "accepted", "rejected"]},
    {"slug": "parcours-sud-smart-territoires", "name": "Parcours Sud Smart Territoires",
     "position": 2,
     "summary": "L'accompagnement des intercommunalités dans leurs projets de territoire "
                "intelligent.",
     "description": "Réservé aux intercommunalités (EPCI) de la région : un appel par an, "
                    "puis un accompagnement des projets retenus.",
     "statuses": ["submitted", "under_review", "accepted", "rejected", "in_progress",
                  "completed"]},
    {"slug": "coach-digital", "name": "Coach Digital", "position": 3,
     "summary": "Un consultant accompagne les entreprises dans leur transformation numérique.",
     "description": "Après un diagnostic, un consultant accompagne l'entreprise sur un thème : "
                    "web marketing, présence en ligne, cybersécurité, outils de gestion et "
                    "collaboratifs.",
     "statuses": list(Status.values)},
]

PROJECT_FORM = {"fields": [
    {"name": "projet", "label": "Intitulé du projet", "type": "text", "required": True,
     "max_length": 200},
    {"name": "description", "label": "Description du projet", "type": "textarea",
     "required": True},
]}


def _calls(now: dt.datetime) -> dict[str, list[dict]]:
    year = now.year
    sud_labs_form = {"fields": PROJECT_FORM["fields"] + [
        {"name": "services", "label": "Services proposés", "type": "multichoice",
         "choices": SERVICES}]}
    coach_form = {"fields": [
        {"name": "themes", "label": "Thèmes d'accompagnement", "type": "multichoice",
         "choices": COACH_THEMES, "required": True},
        {"name": "effectif", "label": "Effectif de l'entreprise", "type": "integer"},
        {"name": "besoin", "label": "Votre besoin", "type": "textarea", "required": True},
    ]}
    return {
        "sud-labs": [{"slug": f"label-{year}", "title": f"Appel à projets Sud Labs {year}",
                      "kind": "aap", "recurrence": "annual", "year": year,
                      "opens_at": _aware(year, 1, 15), "closes_at": _aware(year + 1, 1, 31),
                      "eligible_kinds": ["lieu", "association", "commune", "epci"],
                      "form": sud_labs_form}],
        "parcours-sud-smart-territoires": [
            {"slug": f"psst-{y}", "title": f"Parcours Sud Smart Territoires {y}",
             "kind": "ami", "recurrence": "annual", "year": y,
             "opens_at": _aware(y, 2, 1), "closes_at": _aware(y, 4, 30),
             "eligible_kinds": ["epci"], "form": PROJECT_FORM} for y in (2020, 2021, 2022)],
        "coach-digital": [{"slug": "accompagnement", "title": "Accompagnement Coach Digital",
                           "kind": "ami", "recurrence": "permanent", "year": None,
                           "opens_at": _aware(year - 1, 1, 1), "closes_at": None,
                           "eligible_kinds": ["entreprise"], "form": coach_form}],
    }


def _programmes(now) -> dict[str, Programme]:
    found = {}
    for spec in PROGRAMMES:
        programme, _created = Programme.objects.update_or_create(
            slug=spec["slug"], defaults={
                **{k: v for k, v in spec.items() if k != "slug"},
                "transitions": transitions_for(spec["statuses"]), "is_demo": True})
        found[programme.slug] = programme
    for slug, calls in _calls(now).items():
        for spec in calls:
            Call.objects.update_or_create(programme=found[slug], slug=spec["slug"],
                                          defaults=spec)
    return found


def _reports(places: list[Place], rng: random.Random, year: int) -> int:
    created = 0
    for place in places:
        for report_year in (year - 3, year - 2, year - 1):
            _report, new = ActivityReport.objects.get_or_create(
                place=place, year=report_year, defaults={
                    "business_owners": rng.randint(5, 60), "job_seekers": rng.randint(20, 250),
                    "citizens": rng.randint(50, 300), "is_demo": True})
            created += new
    return created


def _history(application: Application, path: list[str], start: dt.datetime, user,
             rng: random.Random) -> None:
    at = start
    previous = ""
    for status in path:
        application.history.create(from_status=previous, to_status=status, at=at,
                                   by=None if status == "submitted" else user)
        previous = status
        at += dt.timedelta(days=rng.randint(5, 40))
    application.status = path[-1]
    application.status_changed_at = application.history.order_by("-at").first().at
    application.save(update_fields=["status", "status_changed_at"])


def _demo_application(call: Call, organisation: Organisation, kind: str, path: list[str],
                      answers: dict, start, user, rng) -> bool:
    if Application.objects.filter(call=call, organisation=organisation).exists():
        return False
    application = Application.objects.create(
        call=call, organisation=organisation, applicant_kind=kind, answers=answers,
        submitted_at=start, status_changed_at=start, is_demo=True)
    _history(application, path, start, user, rng)
    return True


PSST_PATHS = [["submitted", "under_review", "accepted", "in_progress", "completed"],
              ["submitted", "under_review", "accepted", "in_progress"],
              ["submitted", "under_review", "rejected"]]
COACH_PATHS = [["submitted"], ["submitted", "under_review"],
               ["submitted", "under_review", "diagnostic"],
               ["submitted", "under_review", "diagnostic", "accepted", "in_progress"],
               ["submitted", "under_review", "diagnostic", "accepted", "in_progress",
                "completed"],
               ["submitted", "under_review", "diagnostic", "rejected"]]


def _psst(programme: Programme, user, rng: random.Random) -> int:
    """Applications of the EPCI organisations of the catalogue (those with an EPCI territory)."""
    organisations = list(Organisation.objects.filter(territory__level=Territory.Level.EPCI)
                         .order_by("name"))
    created = 0
    calls = list(programme.calls.order_by("year"))
    for index, organisation in enumerate(organisations):
        ApplicantProfile.objects.get_or_create(organisation=organisation,
                                               defaults={"kind": "epci"})
        call = calls[index % len(calls)]
        created += _demo_application(
            call, organisation, "epci", PSST_PATHS[(index // len(calls)) % len(PSST_PATHS)],
            {"projet": f"Projet de territoire intelligent ({organisation.name}) — démo",
             "description": "Candidature de démonstration."},
            call.opens_at + dt.timedelta(days=rng.randint(1, 60)), user, rng)
    return created


def _coach(programme: Programme, user, rng: random.Random, now) -> int:
    call = programme.calls.get(slug="accompagnement")
    created = 0
    for n in range(1, 41):
        organisation, _new = Organisation.objects.get_or_create(
            slug=f"demo-entreprise-{n:02d}",
            defaults={"name": f"[Démo] Entreprise {n:02d}", "type": Organisation.Type.ENTREPRISE,
                      "description": "Entreprise fictive des données de démonstration de "
                                     "Coach Digital."})
        start = now - dt.timedelta(days=rng.randint(20, 330))
        path = COACH_PATHS[n % len(COACH_PATHS)]
        answers = {"themes": rng.sample(COACH_THEMES, rng.randint(1, 2)),
                   "effectif": rng.randint(1, 40), "besoin": "Besoin de démonstration."}
        created += _demo_application(call, organisation, "entreprise", path, answers, start,
                                     user, rng)
    return created


DEMO_STEPS = ["Diagnostic numérique de l'entreprise", "Atelier : présence en ligne",
              "Bilan de l'accompagnement"]


def _steps(programme: Programme, user) -> int:
    """Dated steps of the demo accompaniments (in progress: two, completed: three), between
    the start of the accompaniment and its end; no consultant (that needs a real account)."""
    created = 0
    accompanied = (Application.objects.filter(call__programme=programme, is_demo=True,
                                              status__in=["in_progress", "completed"])
                   .order_by("pk"))
    for application in accompanied:
        moves = dict(application.history.values_list("to_status", "at"))
        if "in_progress" not in moves:
            continue
        start = timezone.localtime(moves["in_progress"]).date()
        end = timezone.localtime(moves.get("completed") or timezone.now()).date()
        titles = DEMO_STEPS if application.status == "completed" else DEMO_STEPS[:2]
        for n, title in enumerate(titles):
            _step, new = AccompanimentStep.objects.get_or_create(
                application=application, title=title, defaults={
                    "on": min(start + dt.timedelta(days=7 * n), end), "by": user,
                    "notes": "Note de démonstration (fictive)."})
            created += new
    return created


def _event(programme: Programme, now) -> int:
    """A demo hackathon featuring public datasets of the catalogue about mobility, and the
    published reuses of those datasets."""
    event, created = Event.objects.get_or_create(
        slug="hackathon-mobilite-demo", defaults={
            "title": "Hackathon « Se déplacer en Région Sud » (démo)", "kind": "hackathon",
            "programme": programme, "is_demo": True, "place": "Marseille",
            "starts_on": dt.date(now.year - 1, 10, 4), "ends_on": dt.date(now.year - 1, 10, 5),
            "description": "Événement fictif des données de démonstration : quarante-huit "
                           "heures pour imaginer des services à partir des données de "
                           "mobilité de la région."})
    if created:
        datasets = list(Dataset.objects.public().filter(title__icontains="vélo")
                        .order_by("pk")[:6])
        event.datasets.set(datasets)
        event.reuses.set(Reuse.objects.filter(published=True, datasets__in=datasets)
                         .distinct()[:10])
    return int(created)


def load_demo() -> dict[str, int]:
    """Create or complete the demo; returns what it created."""
    now = timezone.now()
    rng = random.Random(SEED)
    user = service_account()
    with transaction.atomic():
        programmes = _programmes(now)
        imported = import_places(DEMO_PLACES.read_bytes(), programmes["sud-labs"], is_demo=True)
        places = list(Place.objects.filter(programme=programmes["sud-labs"], is_demo=True)
                      .order_by("local_id"))
        reports = _reports(places[::3], rng, now.year)
        psst = _psst(programmes["parcours-sud-smart-territoires"], user, rng)
        coach = _coach(programmes["coach-digital"], user, rng, now)
        _steps(programmes["coach-digital"], user)
        _event(programmes["sud-labs"], now)
    return {"programmes": len(programmes), "places": imported["created"],
            "reports": reports, "applications": psst + coach}
