"""The instruction workflow of applications, shared by every programme.

One list of statuses and one graph of moves; each programme keeps the subset it uses
(`Programme.statuses`) and the moves between them (`Programme.transitions`), checked by
`check_workflow` so that a programme can never be configured into a dead end.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée")
    UNDER_REVIEW = "under_review", _("En cours d'examen")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    ACCEPTED = "accepted", _("Retenue")
    REJECTED = "rejected", _("Non retenue")
    IN_PROGRESS = "in_progress", _("En cours d'accompagnement")
    COMPLETED = "completed", _("Terminée")


INITIAL = Status.SUBMITTED.value
#: Where an application may go from each status, for a programme using every status.
FULL_TRANSITIONS: dict[str, list[str]] = {
    "submitted": ["under_review", "rejected"],
    "under_review": ["diagnostic", "accepted", "rejected"],
    "diagnostic": ["accepted", "rejected"],
    "accepted": ["in_progress", "completed"],
    "rejected": [],
    "in_progress": ["completed"],
    "completed": [],
}
#: Statuses that mean "the programme supports this organisation" (participants).
ENGAGED = {"accepted", "in_progress", "completed"}
#: The moves an application's assigned consultant may make (staff make every move): start
#: the accompaniment, then close it. Still subject to the programme's own workflow.
CONSULTANT_MOVES: dict[str, list[str]] = {"accepted": ["in_progress"],
                                          "in_progress": ["completed"]}
#: Statuses in which an application is being accompanied (consultant, steps).
ACCOMPANIED = {"accepted", "in_progress"}
#: Statuses where nothing more happens.
FINAL = {"rejected", "completed"}


class WorkflowError(ValueError):
    """A programme's workflow is inconsistent (unknown status, move to a missing status)."""


def transitions_for(statuses: list[str]) -> dict[str, list[str]]:
    """The moves of the full workflow restricted to `statuses`, skipping the missing ones
    (without "diagnostic", "under_review" goes straight to "accepted" or "rejected")."""
    kept = set(statuses)
    result: dict[str, list[str]] = {}
    for status in statuses:
        targets: list[str] = []
        pending = list(FULL_TRANSITIONS[status])
        seen: set[str] = set()
        while pending:
            target = pending.pop(0)
            if target in seen:
                continue
            seen.add(target)
            if target in kept:
                if target not in targets:
                    targets.append(target)
            else:
                pending.extend(FULL_TRANSITIONS[target])
        result[status] = targets
    return result


def check_workflow(statuses: list[str], transitions: dict[str, list[str]]) -> None:
    """Raise WorkflowError unless `statuses` are known, start with "submitted", and every
    move goes between two of them."""
    unknown = sorted(set(statuses) - set(Status.values))
    if unknown:
        raise WorkflowError(_("Statuts inconnus : %s.") % ", ".join(unknown))
    if INITIAL not in statuses:
        raise WorkflowError(_("Le statut « déposée » est obligatoire : c'est le premier."))
    for source, targets in transitions.items():
        if source not in statuses or any(t not in statuses for t in targets):
            raise WorkflowError(
                _("Le passage de « %(source)s » vers %(targets)s sort des statuts du "
                  "programme.") % {"source": source, "targets": ", ".join(targets)})


def label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status
