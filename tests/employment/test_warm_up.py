"""The wizard's first page starts building the diagnostic engine in the background, once,
so that the person does not wait for it after typing their job."""
import logging
import threading

from django.test import Client

from datasud.employment import services

WIZARD = "/diagnostic-mobilite/"


def _wait_idle(timeout: float = 10) -> None:
    for thread in threading.enumerate():
        if thread.name == "employment-warm-up":
            thread.join(timeout)


def test_the_first_page_builds_the_engine_in_the_background_once(db, settings, monkeypatch):
    settings.EMPLOYMENT_WARM_UP = True
    monkeypatch.setattr(services, "_engine", None)
    release, calls = threading.Event(), []

    def slow_build():
        calls.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(services, "current_engine", slow_build)
    assert Client().get(WIZARD).status_code == 200
    # While the build runs, other visitors do not start another one.
    assert Client().get(WIZARD).status_code == 200
    release.set()
    _wait_idle()
    assert calls == ["employment-warm-up"]


def test_nothing_is_started_once_built_or_when_switched_off(db, settings, monkeypatch):
    monkeypatch.setattr(services, "_engine", object())
    settings.EMPLOYMENT_WARM_UP = True
    assert services.warm_up() is False
    monkeypatch.setattr(services, "_engine", None)
    settings.EMPLOYMENT_WARM_UP = False
    assert services.warm_up() is False


def test_a_failed_build_is_logged_and_tried_again_later(db, settings, monkeypatch, caplog):
    settings.EMPLOYMENT_WARM_UP = True
    monkeypatch.setattr(services, "_engine", None)

    def broken():
        raise RuntimeError("référentiels absents")

    monkeypatch.setattr(services, "current_engine", broken)
    with caplog.at_level(logging.ERROR, logger="datasud.employment.services"):
        assert services.warm_up() is True
        _wait_idle()
    assert "préparé à l'avance" in caplog.text
    assert services.warm_up() is True  # not stuck as "being built"
    _wait_idle()
