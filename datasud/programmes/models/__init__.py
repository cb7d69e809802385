"""What the programmes are: programmes, calls, applications and their history
(`applications.py`), Sud Labs places and their activity reports (`places.py`)."""
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

__all__ = ["ActivityReport", "ApplicantKind", "ApplicantProfile", "Application", "Call", "Event",
           "Place", "Programme", "PublicationState", "StatusChange"]
