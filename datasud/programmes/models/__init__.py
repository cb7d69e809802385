"""What the programmes are: programmes, calls, applications and their history
(`applications.py`), Sud Labs places and their activity reports (`places.py`)."""

from .accompaniment import AccompanimentStep, Consultant
from .applications import (
    ApplicantKind,
    ApplicantProfile,
    Application,
    Call,
    Programme,
    PublicationState,
    StatusChange,
)
from .events import Event
from .places import ActivityReport, Place

__all__ = [
    "AccompanimentStep",
    "ActivityReport",
    "ApplicantKind",
    "ApplicantProfile",
    "Application",
    "Call",
    "Consultant",
    "Event",
    "Place",
    "Programme",
    "PublicationState",
    "StatusChange",
]
