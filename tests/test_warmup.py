"""`datasud.warmup.WarmUp`: one background preparation at a time, none when ready or
switched off, a failure logged and tried again on the next start."""
import logging
import threading

from datasud.warmup import WarmUp

logger = logging.getLogger("tests.warmup")


def _join(name: str) -> None:
    for thread in threading.enumerate():
        if thread.name == name:
            thread.join(10)


def _warm_up(prepare, ready=lambda: False, enabled=lambda: True) -> WarmUp:
    return WarmUp("test-warm-up", prepare=prepare, ready=ready, enabled=enabled,
                  failure="Préparation échouée.", logger=logger)


def test_one_preparation_at_a_time_in_its_own_thread():
    release, calls = threading.Event(), []

    def slow():
        calls.append(threading.current_thread().name)
        release.wait(10)

    warm = _warm_up(slow)
    assert warm.start() is True
    assert warm.start() is False  # already running
    release.set()
    _join("test-warm-up")
    assert calls == ["test-warm-up"]
    assert warm.start() is True  # not ready (says `ready`): may run again
    _join("test-warm-up")


def test_nothing_starts_when_ready_or_switched_off():
    calls = []
    assert _warm_up(lambda: calls.append(1), ready=lambda: True).start() is False
    assert _warm_up(lambda: calls.append(1), enabled=lambda: False).start() is False
    assert calls == []


def test_a_failure_is_logged_and_tried_again(caplog):
    def broken():
        raise RuntimeError("fichier absent")

    warm = _warm_up(broken)
    with caplog.at_level(logging.ERROR, logger="tests.warmup"):
        assert warm.start() is True
        _join("test-warm-up")
    assert "Préparation échouée." in caplog.text and "fichier absent" in caplog.text
    assert warm.start() is True  # not stuck as "running"
    _join("test-warm-up")
