"""The suggestion model gets ready in the background (loaded, its ridge inverse computed)
when the dataset form opens, once, so that the producer's first suggestion does not wait
for it (`services.warm_up`)."""
import threading

from datasud.intelligence import services

FORM = "/publier/jeu-de-donnees/"


def _wait_idle(timeout: float = 30) -> None:
    for thread in threading.enumerate():
        if thread.name == "suggestions-warm-up":
            thread.join(timeout)


def test_the_form_prepares_the_model_in_the_background_once(settings, monkeypatch, client,
                                                             editor):
    settings.SUGGESTIONS_WARM_UP = True
    client.force_login(editor)
    release, calls = threading.Event(), []

    def slow_prepare():
        calls.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(services, "prepared_model", slow_prepare)
    services.current_model.cache_clear()
    try:
        assert client.get(FORM).status_code == 200
        # While it runs, other producers opening the form do not start another one.
        assert client.get(FORM).status_code == 200
    finally:
        release.set()
        _wait_idle()
    assert calls == ["suggestions-warm-up"]


def test_the_real_model_ends_up_prepared(settings, db):
    settings.SUGGESTIONS_WARM_UP = True
    services.current_model.cache_clear()
    assert services.warm_up() is True
    _wait_idle()
    model = services.current_model()
    assert model.prepared
    assert model.ranker.forest_made  # the trees too, not at the first suggestion
    assert model.far_ranker.forest_made  # and those of the texts without a near twin
    # Ready: nothing more is started, and a suggestion finds the work done.
    assert services.warm_up() is False
    assert services.suggest("Arrêts de bus")["tags"]


def test_nothing_is_started_when_switched_off(settings):
    settings.SUGGESTIONS_WARM_UP = False
    services.current_model.cache_clear()
    assert services.warm_up() is False
    assert services.current_model.cache_info().currsize == 0


def test_a_missing_model_is_a_warning_not_a_crash_said_once(settings, tmp_path, caplog,
                                                            monkeypatch):
    settings.SUGGESTIONS_WARM_UP = True
    settings.DATASUD_SUGGESTIONS_MODEL = tmp_path / "absent.npz"
    monkeypatch.setattr(services, "_absence_reported", False)
    services.current_model.cache_clear()
    with caplog.at_level("WARNING", logger="datasud.intelligence.services"):
        for _opening in range(3):  # three producers open the form
            assert services.warm_up() is True  # looked for again each time...
            _wait_idle()
    # ... but said once.
    assert caplog.text.count("Modèle de suggestions indisponible") == 1
    services.current_model.cache_clear()
