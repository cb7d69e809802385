"""Figures are computed from the programme's records (applications, their history, places,
reports): change a record, the figure changes."""
import datetime as dt

from django.utils import timezone

from datasud.programmes import services
from datasud.programmes.indicators import pipeline, programme_indicators, status_counts
from datasud.programmes.models import Application
from datasud.territories.models import Territory


def _figures(programme) -> dict:
    return {(i.key, i.period): i.value for i in programme_indicators(programme)}


def test_application_figures_follow_the_records(open_call, company, applicant, rival,
                                                rival_member, instructor, answers, coach):
    assert _figures(coach)[("applications.total", "")] == 0
    mine = services.apply(applicant, open_call, company, answers)
    theirs = services.apply(rival_member, open_call, rival, {"projet": "x"})
    for status in ["under_review", "diagnostic", "accepted", "in_progress"]:
        services.move(instructor, mine, status)
    services.move(instructor, theirs, "under_review")
    figures = _figures(coach)
    assert figures[("applications.total", "")] == 2
    assert figures[("applications.in_progress", "")] == 1
    assert figures[("applications.under_review", "")] == 1
    assert figures[("applications.completed", "")] == 0
    assert figures[("participants", "")] == 1
    assert status_counts(coach) == {"submitted": 0, "under_review": 1, "diagnostic": 0,
                                    "accepted": 0, "rejected": 0, "in_progress": 1,
                                    "completed": 0}


def test_epci_participation_counts_engaged_epci_out_of_the_territorys(psst, epci, epci_member,
                                                                      instructor):
    Territory.objects.create(level=Territory.Level.EPCI, code="200000001", name="CC Autre")
    application = services.apply(epci_member, psst.calls.get(), epci, {"projet": "x"})
    assert _figures(psst)[("epci.participating", "")] == 0
    services.move(instructor, application, "under_review")
    services.move(instructor, application, "accepted")
    figures = _figures(psst)
    assert figures[("epci.participating", "")] == 1
    assert figures[("epci.total", "")] == 2
    assert figures[("participants", "2022")] == 1


def test_place_figures_sum_the_activity_reports(coach, make_place, instructor):
    first = make_place(programme=coach, departement="05")
    second = make_place(programme=coach, departement="13")
    make_place()  # another programme's place does not count
    services.report_activity(instructor, first, 2023, business_owners=10, job_seekers=100,
                             citizens=1000)
    services.report_activity(instructor, first, 2024, business_owners=1, job_seekers=2,
                             citizens=3)
    services.report_activity(instructor, second, 2024, business_owners=5, job_seekers=5,
                             citizens=5)
    figures = _figures(coach)
    assert figures[("places", "")] == 2
    assert figures[("places.departements", "")] == 2
    assert figures[("supported.business_owners", "")] == 16
    assert figures[("supported.citizens", "")] == 1008
    assert figures[("supported.job_seekers", "2024")] == 7
    assert figures[("reports.places", "2024")] == 2


def test_the_pipeline_replays_the_dated_history(open_call, company, applicant, instructor,
                                                answers, coach):
    application = services.apply(applicant, open_call, company, answers)
    # Back-date the history: submitted in January, under review from March.
    tz = timezone.get_current_timezone()
    history = list(application.history.all())
    history[0].at = dt.datetime(2026, 1, 10, tzinfo=tz)
    history[0].save()
    application.history.create(from_status="submitted", to_status="under_review",
                               at=dt.datetime(2026, 3, 2, tzinfo=tz), by=instructor)
    months = pipeline(coach, months=4, today=dt.date(2026, 4, 15))
    assert [m["date"] for m in months] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28),
                                           dt.date(2026, 3, 31), dt.date(2026, 4, 15)]
    assert [(m["counts"]["submitted"], m["counts"]["under_review"]) for m in months] == [
        (1, 0), (1, 0), (0, 1), (0, 1)]
    assert Application.objects.count() == 1


def test_a_twelve_month_pipeline_ends_this_month(coach):
    months = pipeline(coach, today=dt.date(2026, 12, 31))
    assert months[0]["date"] == dt.date(2026, 1, 31) and len(months) == 12


def test_labels_agree_with_their_figure(coach, make_place, instructor):
    # French: 0 and 1 take the singular ("1 défis et hackathons" was shown).
    first = make_place(programme=coach, departement="05")
    services.report_activity(instructor, first, 2024, business_owners=1, job_seekers=0,
                             citizens=2)
    labels = {(i.key, i.period): i.label for i in programme_indicators(coach)}
    assert labels[("places", "")] == "lieu labellisé"
    assert labels[("places.departements", "")] == "département couvert"
    assert labels[("supported.business_owners", "2024")] == "chef d'entreprise accompagné"
    assert labels[("supported.job_seekers", "")] == "demandeur d'emploi accompagné"
    assert labels[("supported.citizens", "")] == "citoyens accompagnés"
    make_place(programme=coach, departement="13")
    labels = {(i.key, i.period): i.label for i in programme_indicators(coach)}
    assert labels[("places", "")] == "lieux labellisés"
