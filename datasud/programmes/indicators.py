"""A programme's figures, computed by queries from its own records (applications, their
history, places, activity reports), never typed in. Every figure is a count over
organisations or places: nothing here names a person.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

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
    applications = _applications(programme)
    total = applications.count()
    if total == 0 and not programme.calls.exists():
        return []
    result = [Indicator("applications.total", _("candidatures reçues"), total)]
    for status, n in status_counts(programme).items():
        result.append(Indicator(f"applications.{status}",
                                _("candidatures « %s »") % label(status).lower(), n))
    engaged = applications.filter(status__in=ENGAGED)
    result.append(Indicator("participants", _("organisations accompagnées"),
                            engaged.values("organisation").distinct().count()))
    per_call = (engaged.exclude(call__year=None).values_list("call__year")
                .annotate(n=Count("organisation", distinct=True)).order_by("call__year"))
    for year, n in per_call:
        result.append(Indicator("participants", _("organisations accompagnées"), n,
                                str(year)))
    if any(call.eligible_kinds == ["epci"] for call in programme.calls.all()):
        epci_total = Territory.objects.filter(level=Territory.Level.EPCI).count()
        epci = (engaged.filter(organisation__territory__level=Territory.Level.EPCI)
                .values("organisation__territory").distinct().count())
        result.append(Indicator("epci.participating", _("intercommunalités participantes"),
                                epci))
        result.append(Indicator("epci.total", _("intercommunalités du territoire"),
                                epci_total))
    return result


def _place_indicators(programme: Programme) -> list[Indicator]:
    places = Place.objects.filter(programme=programme)
    count = places.count()
    if count == 0:
        return []
    result = [
        Indicator("places", _("lieux labellisés"), count),
        Indicator("places.departements", _("départements couverts"),
                  places.exclude(departement="").values("departement").distinct().count()),
    ]
    reports = ActivityReport.objects.filter(place__programme=programme)
    totals = reports.aggregate(b=Sum("business_owners"), j=Sum("job_seekers"),
                               c=Sum("citizens"))
    result += [
        Indicator("supported.business_owners", _("chefs d'entreprise accompagnés"),
                  totals["b"] or 0),
        Indicator("supported.job_seekers", _("demandeurs d'emploi accompagnés"),
                  totals["j"] or 0),
        Indicator("supported.citizens", _("citoyens accompagnés"), totals["c"] or 0),
    ]
    yearly = (reports.values("year").annotate(b=Sum("business_owners"), j=Sum("job_seekers"),
                                              c=Sum("citizens"), n=Count("place"))
              .order_by("year"))
    for row in yearly:
        year = str(row["year"])
        result += [
            Indicator("reports.places", _("lieux ayant déclaré leur activité"), row["n"], year),
            Indicator("supported.business_owners", _("chefs d'entreprise accompagnés"),
                      row["b"], year),
            Indicator("supported.job_seekers", _("demandeurs d'emploi accompagnés"),
                      row["j"], year),
            Indicator("supported.citizens", _("citoyens accompagnés"), row["c"], year),
        ]
    return result


def _event_indicators(programme: Programme) -> list[Indicator]:
    events = Event.objects.filter(programme=programme)
    if not events.exists():
        return []
    from datasud.catalog.models import Dataset, Reuse

    # Public datasets and published reuses only: the figure is published.
    return [
        Indicator("events", _("défis et hackathons"), events.count()),
        Indicator("events.datasets", _("jeux de données proposés aux événements"),
                  Dataset.objects.public().filter(events__in=events).distinct().count()),
        Indicator("events.reuses", _("réutilisations produites aux événements"),
                  Reuse.objects.filter(published=True, events__in=events).distinct().count()),
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

    return [Indicator(f"themes.{slugify(row['theme'])}",
                      _("candidatures sur le thème « %s »") % row["theme"], row["total"])
            for row in theme_counts(programme)]


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
