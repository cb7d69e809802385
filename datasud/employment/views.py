"""The public « Primo diagnostic 360° » wizard (/diagnostic-mobilite/): pages over the engine.

Current job → target job (or proposals) → skills one has beyond one's job → result. The
state travels in the query string of GET forms, never in a session: nothing about the
person is written anywhere unless they save the result, with their consent, as codes only
(`models.SavedDiagnostic`). Every bad input is a page saying what is wrong (4xx), never a
500: the engine's `EngineError` carries the French message and a code that gives the status.
"""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from datasud.accounts import throttle

from . import services
from .engine import EngineError
from .forms import JobSearchForm, SaveForm, WizardState, choice_form
from .maps import employment_map
from .models import RETENTION, SavedDiagnostic
from .presentation import coverage, resolve_commune, skill_groups, tension_places

PROPOSALS = 10
SEARCH_RESULTS = 10
# Saving is open to anyone: bounded per IP address so that a script cannot fill the table.
SAVES_PER_IP = throttle.Limit("diagnostic-save-ip", 20, 60 * 60)
# Type-ahead: one request per keystroke pause; bounded so that a script cannot load the engine.
SUGGESTIONS = 8
SUGGESTIONS_PER_IP = throttle.Limit("diagnostic-suggest-ip", 300, 5 * 60)
STATUS = {"referential_missing": 503, "unknown_code": 404, "unknown_commune": 404}


def _status(error: EngineError) -> int:
    return STATUS.get(error.code, 400)


def _url(name: str, state: WizardState | None = None, **changes) -> str:
    query = state.query(**changes) if state else ""
    return reverse(f"employment:{name}") + (f"?{query}" if query else "")


def _problem(request: HttpRequest, error: EngineError, state: WizardState) -> HttpResponse:
    """A page that says what is wrong with the diagnostic asked for, and how to go on."""
    return render(request, "employment/problem.html", {
        "message": str(error), "code": error.code, "state": state,
        "restart_url": _url("wizard"),
        "target_url": _url("target", WizardState(actuel=state.actuel))
        if error.code in {"same_fiche", "no_skills"} or
        (state.actuel and error.code == "unknown_code" and state.cible) else "",
    }, status=_status(error))


def _search_step(request: HttpRequest, form: JobSearchForm, exclude: str = ""):
    """Run the free-text or code search of steps 1 and 2: (code chosen, choices, status)."""
    if not form.is_bound:
        return "", None, 200
    if not form.is_valid():
        return "", None, 400
    text, code = form.cleaned_data["q"], form.cleaned_data["code"]
    if not text and not code:
        form.add_error("q", _("Décrivez un métier en quelques mots, ou donnez son code "
                              "ROME."))
        return "", None, 400
    try:
        engine = services.current_engine()
        if code:
            return engine.fiche(code)["code_rome"], None, 200
        found = engine.search(text, SEARCH_RESULTS * 2)
    except EngineError as error:
        field = None if error.code == "referential_missing" else ("code" if code else "q")
        form.add_error(field, str(error))
        return "", None, _status(error)
    choices = [(a["code_rome"], f"{a['libelle']} — {engine.fiche(a['code_rome'])['libelle']} "
                f"({a['code_rome']})") for a in found["appellations"]
               if a["code_rome"] != exclude][:SEARCH_RESULTS]
    if not choices:
        form.add_error("q", _("Seul votre métier actuel correspond à ce texte : décrivez "
                              "un autre métier."))
        return "", None, 400
    return "", choices, 200


@require_GET
def suggestions(request: HttpRequest) -> JsonResponse:
    """Type-ahead of the job fields (used by wizard.js only): up to 8 appellations as JSON.
    Short or unknown text gives an empty list; the forms work the same without it."""
    ip = throttle.client_ip(request)
    if throttle.is_exceeded(SUGGESTIONS_PER_IP, ip):
        return JsonResponse({"detail": _("Trop de requêtes : réessayez dans quelques "
                                         "minutes.")}, status=429)
    throttle.record(SUGGESTIONS_PER_IP, ip)
    text = " ".join(request.GET.get("q", "").split())[:200]
    if len(text) < 2:
        return JsonResponse({"suggestions": []})
    try:
        found = services.current_engine().search(text, SUGGESTIONS)
    except EngineError as error:
        if error.code == "referential_missing":
            return JsonResponse({"detail": str(error)}, status=503)
        return JsonResponse({"suggestions": []})
    return JsonResponse({"suggestions": [
        {"libelle": a["libelle"], "code_rome": a["code_rome"]}
        for a in found["appellations"]]})


@require_GET
def wizard(request: HttpRequest) -> HttpResponse:
    """Step 1: the current job, in the person's words (then picked in a list) or by code."""
    state = WizardState.from_query(request.GET)
    services.warm_up()
    form = JobSearchForm(request.GET if ("q" in request.GET or "code" in request.GET)
                         else None, prefix_label=_("Votre métier actuel, en quelques mots"),
                         suggest_url=reverse("employment:suggestions"))
    code, choices, status = _search_step(request, form)
    if code:
        return redirect(_url("target", WizardState(actuel=code)))
    picker = choice_form("actuel", _("Choisissez le métier le plus proche du vôtre"),
                         choices) if choices else None
    return render(request, "employment/step_current.html", {
        "form": form, "picker": picker, "state": state, "step": 1,
    }, status=status)


@require_GET
def target(request: HttpRequest) -> HttpResponse:
    """Step 2: the target job, searched like the current one, or chosen among proposals."""
    state = WizardState.from_query(request.GET)
    try:
        engine = services.current_engine()
        current = engine.fiche(state.actuel) if state.actuel else None
    except EngineError as error:
        return _problem(request, error, state)
    if current is None:
        return redirect(_url("wizard"))
    form = JobSearchForm(request.GET if ("q" in request.GET or "code" in request.GET)
                         else None, prefix_label=_("Le métier visé, en quelques mots"),
                         suggest_url=reverse("employment:suggestions"))
    code, choices, status = _search_step(request, form, exclude=current["code_rome"])
    if code == current["code_rome"]:
        form.add_error("code", _("Le métier visé est le métier actuel : choisissez un autre "
                                 "métier, ou demandez des suggestions."))
        code, status = "", 400
    if code:
        return redirect(_url("skills", WizardState(actuel=state.actuel, cible=code)))
    proposals = engine.mobilities(current["code_rome"], PROPOSALS) \
        if request.GET.get("suggestions") else None
    picker = None
    if choices:
        picker = choice_form("cible", _("Choisissez le métier visé"), choices)
    return render(request, "employment/step_target.html", {
        "form": form, "picker": picker, "proposals": proposals, "current_job": current,
        "state": state, "step": 2,
        "suggestions_url": _url("target", WizardState(actuel=state.actuel),
                                suggestions="1") + "#propositions",
    }, status=status)


@require_GET
def skills(request: HttpRequest) -> HttpResponse:
    """Step 3 (optional): tick the target's skills one already has beyond one's job."""
    state = WizardState.from_query(request.GET)
    if not state.actuel:
        return redirect(_url("wizard"))
    if not state.cible:
        return redirect(_url("target", WizardState(actuel=state.actuel)))
    try:
        gap = services.current_engine().gap(state.actuel, state.cible, [])
    except EngineError as error:
        return _problem(request, error, state)
    return render(request, "employment/step_skills.html", {
        "gap": gap, "groups": skill_groups(gap, state.competences), "state": state,
        "step": 3, "back_url": _url("target", WizardState(actuel=state.actuel)),
    })


def _compute(state: WizardState, commune: str) -> dict:
    """The engine's diagnostic with the training offers (`services.full_diagnostic`)."""
    return services.full_diagnostic(state.actuel, state.cible or None, state.competences,
                                    PROPOSALS, commune=commune or None)


def _result_context(request: HttpRequest, state: WizardState) -> dict:
    """Everything the result page shows; raises EngineError for a diagnostic that cannot
    be made (the caller shows why)."""
    commune, commune_name = resolve_commune(state.commune)
    try:
        result = _compute(state, commune)
    except EngineError as error:
        if not commune or error.code not in {"invalid_commune", "unknown_commune"}:
            raise
        # A commune the labour-market data does not know: the rest still stands.
        commune, commune_name = "", ""
        result = _compute(state, commune)
    market = result.get("marche") or {}
    zones = market.get("zones_emploi") or []
    gap = result.get("ecart")
    partial = []
    if not state.cible:
        partial.append(_("Aucun métier visé : seules les mobilités proposées sont "
                         "montrées."))
    if gap is not None and not result["salaires"]["complet"]:
        partial.append(_("Pas de données de salaire pour ce métier."))
    if gap is not None and not result["tension"]["complet"]:
        partial.append(_("Pas de données de tension de recrutement pour ce métier."))
    if gap is not None and not market:
        partial.append(_("Les bassins d'emploi et secteurs qui recrutent ne sont pas "
                         "disponibles."))
    if gap is not None and "formations" not in result:
        partial.append(_("Les offres de formation ne sont pas disponibles."))
    if state.commune and not commune:
        partial.append(_("Commune « %(text)s » introuvable dans la région : les distances "
                         "ne sont pas calculées.") % {"text": state.commune[:60]})
    return {
        "result": result, "state": state, "gap": gap, "market": market,
        "zones": zones, "map": employment_map(zones), "partial": partial,
        "commune_name": commune_name, "formations": result.get("formations"),
        "tension_places": tension_places(result.get("tension")),
        "coverage": coverage(gap),
        "target_code": state.cible,
        "share_url": request.build_absolute_uri(_url("result", state)),
        "edit_skills_url": _url("skills", state),
        "change_target_url": _url("target", WizardState(actuel=state.actuel)),
        "save_form": SaveForm(), "retention_months": RETENTION.days * 12 // 365,
    }


@require_GET
def result(request: HttpRequest) -> HttpResponse:
    """The result page: gap, proposals, salaries, tension, where the jobs are, trainings,
    next steps; printable, shareable (its address holds the codes), savable."""
    state = WizardState.from_query(request.GET)
    if not state.actuel:
        return redirect(_url("wizard"))
    try:
        context = _result_context(request, state)
    except EngineError as error:
        return _problem(request, error, state)
    return render(request, "employment/result.html", {**context, "step": 4})


def _private(response: HttpResponse) -> HttpResponse:
    # The secret link must not leave the page: no Referer to the sites linked, no cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def save(request: HttpRequest) -> HttpResponse:
    """Keep a diagnostic behind a secret link, with the person's explicit consent."""
    state = WizardState.from_query(request.POST if request.method == "POST" else request.GET)
    if not state.actuel:
        return redirect(_url("wizard"))
    try:
        context = _result_context(request, state)
    except EngineError as error:
        return _problem(request, error, state)
    form = SaveForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        ip = throttle.client_ip(request)
        if throttle.is_exceeded(SAVES_PER_IP, ip):
            form.add_error(None, _("Trop de diagnostics enregistrés depuis votre connexion "
                                   "ces dernières minutes : réessayez dans une heure."))
            status = 429
        elif form.is_valid():
            throttle.record(SAVES_PER_IP, ip)
            saved = SavedDiagnostic.objects.create(payload=state.payload())
            return redirect("employment:saved", token=saved.token)
        else:
            status = 400
    return _private(render(request, "employment/save.html", {
        **context, "save_form": form, "step": 4}, status=status))


def _saved_or_404(token: str) -> SavedDiagnostic:
    saved = SavedDiagnostic.objects.filter(token=token[:64]).first()
    if saved is None:
        raise Http404
    if saved.is_expired:
        # Purged on access as well as by `datasud purge_saved_diagnostics`.
        saved.delete()
        raise Http404
    return saved


@require_GET
def saved(request: HttpRequest, token: str) -> HttpResponse:
    """A saved diagnostic, computed again from its codes with the current referentials."""
    entry = _saved_or_404(token)
    state = WizardState.from_payload(entry.payload)
    try:
        context = _result_context(request, state)
    except EngineError as error:
        return _private(_problem(request, error, state))
    return _private(render(request, "employment/result.html", {
        **context, "step": 4, "saved": entry,
        "saved_url": request.build_absolute_uri(reverse("employment:saved", args=[token])),
    }))


@require_http_methods(["GET", "POST"])
def saved_delete(request: HttpRequest, token: str) -> HttpResponse:
    """Delete a saved diagnostic at once (asks for confirmation first)."""
    entry = _saved_or_404(token)
    if request.method == "POST":
        entry.delete()
        return redirect("employment:deleted")
    return _private(render(request, "employment/delete.html", {
        "saved": entry, "now": timezone.now()}))


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "employment/deleted.html", {"restart_url": _url("wizard")})
