"""A programme's figures, computed by queries from its own records (applications, their
history, places, activity reports), never typed in. Every figure is a count over
organisations or places: nothing here names a person.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import ngettext

from datasud.territories.models import Territory

from .models import ActivityReport, Application, Event, Place, Programme, StatusChange
from .workflow import ENGAGED, Status, label


@dataclass(frozen=True)
class Indicator:
    key: str          # stable machine name, e.g. "applications.completed"
    label: str        # French label for pages
    value: int
    period: str = ""  # "" for all time, "2023" for one year, "2021" for a yearly call...


def _applications(programme: Programme):
    return Application.objects.filter(call__programme=programme)


def status_counts(programme: Programme) -> dict[str, int]:
    """Applications per status, for every status the programme uses (zeros included)."""
    counts = dict(_applications(programme).values_list("status").annotate(n=Count("id"))
                  .order_by())
    return {status: counts.get(status, 0) for status in programme.statuses}


def _application_indicators(programme: Programme) -> list[Indicator]:
    # Labels agree with their figure (French: 0 and 1 take the singular).
    applications = _applications(programme)
    total = applications.count()
    if total == 0 and not programme.calls.exists():
        return []
    result = [Indicator("applications.total",
                        ngettext("candidature reçue", "candidatures reçues", total), total)]
    for status, n in status_counts(programme).items():
        result.append(Indicator(f"applications.{status}", ngettext(
            "candidature « %s »", "candidatures « %s »", n) % label(status).lower(), n))
    engaged = applications.filter(status__in=ENGAGED)
    per_year = [(None, engaged.values("organisation").distinct().count())]
    per_year += (engaged.exclude(call__year=None).values_list("call__year")
                 .annotate(n=Count("organisation", distinct=True)).order_by("call__year"))
    for year, n in per_year:
        result.append(Indicator("participants", ngettext(
            "organisation accompagnée", "organisations accompagnées", n), n,
            "" if year is None else str(year)))
    if any(call.eligible_kinds == ["epci"] for call in programme.calls.all()):
        epci_total = Territory.objects.filter(level=Territory.Level.EPCI).count()
        epci = (engaged.filter(organisation__territory__level=Territory.Level.EPCI)
                .values("organisation__territory").distinct().count())
        result.append(Indicator("epci.participating", ngettext(
            "intercommunalité participante", "intercommunalités participantes", epci), epci))
        result.append(Indicator("epci.total", ngettext(
            "intercommunalité du territoire", "intercommunalités du territoire", epci_total),
            epci_total))
    return result


def _supported(business_owners: int, job_seekers: int, citizens: int,
               period: str = "") -> list[Indicator]:
    return [
        Indicator("supported.business_owners", ngettext(
            "chef d'entreprise accompagné", "chefs d'entreprise accompagnés",
            business_owners), business_owners, period),
        Indicator("supported.job_seekers", ngettext(
            "demandeur d'emploi accompagné", "demandeurs d'emploi accompagnés", job_seekers),
            job_seekers, period),
        Indicator("supported.citizens", ngettext(
            "citoyen accompagné", "citoyens accompagnés", citizens), citizens, period),
    ]


def _place_indicators(programme: Programme) -> list[Indicator]:
    places = Place.objects.filter(programme=programme)
    count = places.count()
    if count == 0:
        return []
    departements = places.exclude(departement="").values("departement").distinct().count()
    result = [
        Indicator("places", ngettext("lieu labellisé", "lieux labellisés", count), count),
        Indicator("places.departements", ngettext(
            "département couvert", "départements couverts", departements), departements),
    ]
    reports = ActivityReport.objects.filter(place__programme=programme)
    totals = reports.aggregate(b=Sum("business_owners"), j=Sum("job_seekers"),
                               c=Sum("citizens"))
    result += _supported(totals["b"] or 0, totals["j"] or 0, totals["c"] or 0)
    yearly = (reports.values("year").annotate(b=Sum("business_owners"), j=Sum("job_seekers"),
                                              c=Sum("citizens"), n=Count("place"))
              .order_by("year"))
    for row in yearly:
        year = str(row["year"])
        result.append(Indicator("reports.places", ngettext(
            "lieu ayant déclaré son activité", "lieux ayant déclaré leur activité", row["n"]),
            row["n"], year))
        result += _supported(row["b"], row["j"], row["c"], year)
    return result


def _event_indicators(programme: Programme) -> list[Indicator]:
    events = Event.objects.filter(programme=programme)
    if not events.exists():
        return []
    from datasud.catalog.models import Dataset, Reuse

    # Public datasets and published reuses only: the figure is published.
    count = events.count()
    datasets = Dataset.objects.public().filter(events__in=events).distinct().count()
    reuses = Reuse.objects.filter(published=True, events__in=events).distinct().count()
    return [
        Indicator("events", ngettext("défi ou hackathon", "défis et hackathons", count), count),
        Indicator("events.datasets", ngettext(
            "jeu de données proposé aux événements", "jeux de données proposés aux événements",
            datasets), datasets),
        Indicator("events.reuses", ngettext(
            "réutilisation produite aux événements", "réutilisations produites aux événements",
            reuses), reuses),
    ]


#: The questions whose answers are an application's themes (Coach Digital: web marketing,
#: online presence, cybersecurity...): a `choice` or `multichoice` of one of these names.
THEME_QUESTIONS = ("themes", "theme")


def theme_counts(programme: Programme) -> list[dict]:
    """Applications per theme and per status: [{"theme", "total", "counts": {status: n}}],
    in the order of the calls' choices. Only the choices the calls declare are counted
    (answers were checked against them), so nothing typed by an applicant is shown."""
    choices: list[str] = []
    for call in programme.calls.order_by("opens_at", "pk"):
        for question in call.questions:
            if question.get("name") in THEME_QUESTIONS and question.get("type") in (
                    "choice", "multichoice"):
                choices += [c for c in question.get("choices", []) if c not in choices]
    if not choices:
        return []
    rows = {theme: {"theme": theme, "total": 0,
                    "counts": {status: 0 for status in programme.statuses}}
            for theme in choices}
    for answers, status in _applications(programme).values_list("answers", "status"):
        for name in THEME_QUESTIONS:
            value = (answers or {}).get(name)
            values = value if isinstance(value, list) else [value]
            for theme in dict.fromkeys(v for v in values if v in rows):
                rows[theme]["total"] += 1
                if status in rows[theme]["counts"]:
                    rows[theme]["counts"][status] += 1
    return list(rows.values())


def _theme_indicators(programme: Programme) -> list[Indicator]:
    from django.utils.text import slugify

    return [Indicator(f"themes.{slugify(row['theme'])}", ngettext(
        "candidature sur le thème « %s »", "candidatures sur le thème « %s »", row["total"])
        % row["theme"], row["total"]) for row in theme_counts(programme)]


def programme_indicators(programme: Programme) -> list[Indicator]:
    """Every figure of `programme`: all-time ones first, then per period."""
    found = (_place_indicators(programme) + _application_indicators(programme)
             + _theme_indicators(programme) + _event_indicators(programme))
    return sorted(found, key=lambda i: (i.period != "", i.period))


def headline(programme: Programme) -> list[Indicator]:
    """The all-time figures worth a key-figures card (no zero-valued status lines)."""
    return [i for i in programme_indicators(programme)
            if not i.period and not (i.key.startswith("applications.") and i.value == 0
                                     and i.key != "applications.total")]


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        months.append(min(nxt - dt.timedelta(days=1), end))
        year, month = nxt.year, nxt.month
    return months


def pipeline(programme: Programme, months: int = 12, today: dt.date | None = None) \
        -> list[dict]:
    """How many applications stood at each status at the end of each of the last `months`
    months, replayed from their dated history: [{"date": date, "counts": {status: n}}]."""
    today = today or timezone.localdate()
    start = today.year * 12 + today.month - 1 - (months - 1)
    first = dt.date(start // 12, start % 12 + 1, 1)
    changes = (StatusChange.objects.filter(application__call__programme=programme)
               .order_by("at", "id").values_list("application_id", "to_status", "at"))
    ends = _month_ends(first, today)
    result = []
    state: dict[int, str] = {}
    changes = list(changes)
    index = 0
    tz = timezone.get_current_timezone()
    for end in ends:
        limit = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        while index < len(changes) and changes[index][2] < limit:
            application_id, status, _at = changes[index]
            state[application_id] = status
            index += 1
        counts = {status: 0 for status in programme.statuses}
        for status in state.values():
            if status in counts:
                counts[status] += 1
        result.append({"date": end, "counts": counts})
    return result


STATUS_LABELS = {value: label for value, label in Status.choices}
