"""Checks of identifiers that every surface (forms, API, importers) applies the same way."""
from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

SIREN_INVALID = _("Ce n'est pas un numéro SIREN valide : 9 chiffres dont le dernier est une "
                  "clé de contrôle (vérifiez le numéro sur annuaire-entreprises.data.gouv.fr).")


def luhn_is_valid(digits: str) -> bool:
    """Whether a string of digits ends with a right Luhn key (SIREN, SIRET)."""
    total = 0
    for position, digit in enumerate(int(c) for c in reversed(digits)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siren_is_valid(siren: str) -> bool:
    """A SIREN is 9 digits whose Luhn checksum is right (INSEE's definition)."""
    return bool(re.fullmatch(r"\d{9}", siren)) and luhn_is_valid(siren)


def normalise_siren(text: str) -> str:
    """A SIREN as people write it ("732 829 320", "732.829.320") with the separators
    removed; whether it is valid is `siren_is_valid`'s business."""
    return re.sub(r"[\s.]", "", text or "")
