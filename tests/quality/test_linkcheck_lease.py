"""One link-checker run at a time (datasud/quality/lease.py): a second run is refused and
checks nothing, an expired lease is taken over, the lease is renewed while a run goes on and
released at its end (also when it raised), and a run whose lease was taken over stops. The
concurrent cases run two threads, each with its own database connection, on committed data
(transactional tests), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from datasud.catalog.models import Resource
from datasud.quality import lease, linkcheck, tasks
from datasud.quality.linkcheck import Limits
from datasud.quality.models import LinkCheck, LinkCheckLease

from .conftest import Answer

FAST = Limits(concurrency=4, host_delay=0.0, timeout=5.0)


@pytest.fixture
def remote(site, make_dataset):
    """A dataset whose resources are `count` addresses of the local site, answered after
    `delay` seconds; returns their paths."""

    def make(count: int = 3, delay: float = 0.0) -> list[str]:
        dataset = make_dataset("Arrêts de bus")
        paths = [f"/r{i}.csv" for i in range(count)]
        for path in paths:
            site.answers[path] = Answer(delay=delay)
            Resource.objects.create(
                dataset=dataset, title=path, kind=Resource.Kind.URL, url=site.url(path)
            )
        return paths

    return make


def held_by_another_server(minutes: float = 5) -> LinkCheckLease:
    now = timezone.now()
    return LinkCheckLease.objects.create(
        name=lease.NAME,
        holder="autre-serveur:4242",
        token="t" * 32,
        since=now - dt.timedelta(minutes=1),
        expires_at=now + dt.timedelta(minutes=minutes),
    )


def lease_is_free() -> bool:
    row = LinkCheckLease.objects.get(name=lease.NAME)
    return (row.token, row.holder, row.expires_at) == ("", "", None)


def test_a_second_run_is_refused_and_checks_nothing(remote, site):
    remote()
    held = held_by_another_server()
    with pytest.raises(lease.LinkCheckBusy) as refused:
        linkcheck.check_links(due=True, limits=FAST)
    message = str(refused.value)
    assert "autre-serveur:4242" in message
    assert timezone.localtime(held.since).strftime("%d/%m/%Y %H:%M:%S") in message
    assert timezone.localtime(held.expires_at).strftime("%d/%m/%Y %H:%M:%S") in message
    assert site.hits == [] and not LinkCheck.objects.exists()
    # The holder's lease is untouched.
    assert LinkCheckLease.objects.get(name=lease.NAME).token == "t" * 32


def test_an_expired_lease_is_taken_over_and_released_after_the_run(remote, site):
    remote()
    held_by_another_server(minutes=-1)  # its process died a minute after its lease ended
    assert linkcheck.check_links(due=True, limits=FAST).checked == 3
    assert len(site.hits) == 3 and lease_is_free()


def test_the_lease_is_released_after_a_run_that_raised(remote, site, monkeypatch):
    remote()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # as Ctrl-C would, in the middle of a request

    monkeypatch.setattr(requests.Session, "request", interrupted)
    with pytest.raises(KeyboardInterrupt):
        linkcheck.check_links(due=True, limits=FAST)
    assert lease_is_free()
    assert not LinkCheck.objects.filter(checked_at__isnull=False).exists()
    monkeypatch.undo()
    assert linkcheck.check_links(due=True, limits=FAST).checked == 3


def test_the_command_exits_75_with_a_message(remote, site, capsys):
    remote()
    held_by_another_server()
    with pytest.raises(SystemExit) as exited:
        call_command("check_links", "--due")
    assert exited.value.code == 75
    out, err = capsys.readouterr()
    assert out == "" and "Une autre vérification des liens est en cours" in err
    assert "Réessayez plus tard" in err and site.hits == []


def test_the_task_says_it_skipped(remote, site):
    remote()
    held_by_another_server()
    result = tasks.check_links.enqueue()
    assert "Une autre vérification des liens est en cours" in result.return_value["skipped"]
    LinkCheckLease.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.check_links.enqueue().return_value == {"checked": 3, "ok": 3, "broken": 0}


def test_staff_see_who_holds_the_lease_and_may_free_it(client, staff):
    held = held_by_another_server()
    client.force_login(staff)
    page = client.get("/admin/quality/linkchecklease/")
    assert page.status_code == 200 and "autre-serveur:4242" in page.content.decode()
    url = f"/admin/quality/linkchecklease/{held.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert lease.acquire().token != held.token


# --- Two threads at once, on committed data ----------------------------------------------------


def in_thread(target, *args):
    """Run `target` in a thread with its own database connection; returns the thread and
    a dict that will hold its result or its exception."""
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.01)


def test_of_runs_starting_together_exactly_one_gets_the_lease(transactional_db):
    for _ in range(4):  # the first round also races to create the row
        barrier = threading.Barrier(3)

        def take(barrier: threading.Barrier) -> lease.Lease:
            barrier.wait()
            return lease.acquire()

        started = [in_thread(take, barrier) for _ in range(3)]
        for thread, _outcome in started:
            thread.join()
        outcomes = [outcome for _thread, outcome in started]
        winners = [outcome["result"] for outcome in outcomes if "result" in outcome]
        refused = [o["error"] for o in outcomes if isinstance(o.get("error"), lease.LinkCheckBusy)]
        assert (len(winners), len(refused)) == (1, 2), outcomes
        winners[0].release()
    assert LinkCheckLease.objects.count() == 1 and lease_is_free()


def test_a_run_longer_than_its_lease_keeps_it(transactional_db, remote, site, settings):
    """Lease of 2 s, renewed every 0.5 s; the run lasts 6 × 0.5 s. Once the first lease
    would have expired, a run from another thread is still refused."""
    settings.LINKCHECK_LEASE_SECONDS = 2
    paths = remote(count=6, delay=0.5)
    first, outcome = in_thread(lambda: linkcheck.check_links(due=True, limits=FAST))
    wait_for(lambda: len(site.hits) >= 5)  # 2 s at least since the first run took the lease
    with pytest.raises(lease.LinkCheckBusy):
        linkcheck.check_links(due=True, limits=FAST)
    first.join()
    summary = outcome["result"]
    assert summary.checked == 6 and not summary.interrupted
    assert sorted(hit.path for hit in site.hits) == paths  # each address asked once
    assert lease_is_free()


def test_a_run_whose_lease_was_taken_over_stops(transactional_db, remote, site, settings):
    """As if the run had stalled longer than its lease and another one had taken it: at its
    next renewal it stops sending requests, records what it checked and leaves the new
    holder's lease alone."""
    settings.LINKCHECK_LEASE_SECONDS = 2
    remote(count=8, delay=0.3)
    first, outcome = in_thread(lambda: linkcheck.check_links(due=True, limits=FAST))
    wait_for(lambda: len(site.hits) >= 2)
    LinkCheckLease.objects.update(token="x" * 32, holder="autre-serveur:1")
    first.join()
    summary = outcome["result"]
    assert summary.interrupted and 2 <= summary.checked < 8
    assert len(site.hits) == summary.checked
    assert LinkCheck.objects.filter(checked_at__isnull=False).count() == summary.checked
    assert LinkCheckLease.objects.get(name=lease.NAME).holder == "autre-serveur:1"
