"""A focused Table Schema validator for the national schema of digital-mediation places
(`data/standard-mediation-num.schema.json`): the constraints that schema uses — required,
unique, pattern, enum, maxLength, minLength — and the types string, number, integer and
date (format default, ISO `YYYY-MM-DD`). `frictionless` is not a dependency of the
platform; this covers exactly what the schema asks, with French messages per row.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).parent / "data" / "standard-mediation-num.schema.json"


@dataclass(frozen=True)
class CellError:
    row: int        # line number in the file (the header is line 1)
    field: str
    message: str

    def __str__(self) -> str:
        return f"ligne {self.row}, colonne « {self.field} » : {self.message}"


@cache
def load_schema(path: Path = SCHEMA_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _check_type(field: dict, value: str) -> str | None:
    kind = field.get("type", "string")
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return "nombre attendu"
        if number != number or number in (float("inf"), float("-inf")):
            return "nombre attendu"
    elif kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            return "nombre entier attendu"
    elif kind == "date":
        message = "date attendue au format AAAA-MM-JJ"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return message
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return message
    elif kind == "boolean":
        if value not in {"true", "false", "True", "False", "1", "0"}:
            return "booléen attendu (true / false)"
    return None


def _check_value(field: dict, value: str) -> str | None:
    constraints = field.get("constraints", {})
    if value == "":
        return "valeur obligatoire" if constraints.get("required") else None
    problem = _check_type(field, value)
    if problem:
        return problem
    if "enum" in constraints and value not in constraints["enum"]:
        return "valeur hors de la liste permise : " + ", ".join(map(str, constraints["enum"]))
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        return f"ne respecte pas le format attendu ({constraints['pattern']})"
    if "maxLength" in constraints and len(value) > constraints["maxLength"]:
        return f"plus de {constraints['maxLength']} caractères"
    if "minLength" in constraints and len(value) < constraints["minLength"]:
        return f"moins de {constraints['minLength']} caractères"
    return None


def check_header(header: list[str], schema: dict | None = None) -> list[CellError]:
    """Unknown columns, repeated columns and missing required columns."""
    schema = schema or load_schema()
    names = [f["name"] for f in schema["fields"]]
    errors = [CellError(1, name, "colonne inconnue du schéma")
              for name in header if name not in names]
    errors += [CellError(1, name, "colonne répétée")
               for name in sorted({n for n in header if header.count(n) > 1})]
    errors += [CellError(1, f["name"], "colonne obligatoire absente")
               for f in schema["fields"]
               if f.get("constraints", {}).get("required") and f["name"] not in header]
    return errors


def validate_rows(rows: list[dict[str, str]], schema: dict | None = None,
                  first_line: int = 2) -> list[CellError]:
    """Every error of `rows` (dicts of column -> text as read from a CSV), in file order."""
    schema = schema or load_schema()
    errors: list[CellError] = []
    seen: dict[str, dict[str, int]] = {}
    for offset, row in enumerate(rows):
        line = first_line + offset
        for field in schema["fields"]:
            name = field["name"]
            value = (row.get(name) or "").strip()
            problem = _check_value(field, value)
            if problem:
                errors.append(CellError(line, name, problem))
            elif value and field.get("constraints", {}).get("unique"):
                previous = seen.setdefault(name, {}).setdefault(value, line)
                if previous != line:
                    errors.append(CellError(line, name, f"valeur déjà présente ligne {previous}"))
    return errors


def pattern_choices(name: str, schema: dict | None = None) -> list[str]:
    """The allowed values of a multi-valued column whose pattern is the schema's usual
    `(?:(?:^|\\|)(A|B|C))+$`, unescaped; [] for other columns."""
    schema = schema or load_schema()
    field = next((f for f in schema["fields"] if f["name"] == name), None)
    pattern = (field or {}).get("constraints", {}).get("pattern", "")
    match = re.fullmatch(r"\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$", pattern)
    if not match:
        return []
    return [re.sub(r"\\(.)", r"\1", choice) for choice in match.group(1).split("|")]
