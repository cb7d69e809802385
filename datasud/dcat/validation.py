"""Validation of the published RDF against the DCAT-AP 3.0.0 SHACL shapes (shipped in
`shapes/`, see its NOTICE.md): the mandatory/cardinality shapes, the class ranges and the
controlled-vocabulary shapes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

SHAPES_DIR = Path(__file__).resolve().parent / "shapes"
SHAPE_FILES = ("dcat-ap-3.0.0-SHACL.ttl", "dcat-ap-3.0.0-range.ttl",
               "dcat-ap-3.0.0-mdr-vocabularies.shape.ttl")


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"[{self.severity}] {self.focus}{where}: {self.message}"


@dataclass
class Report:
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def validate_graph(data: Graph) -> Report:
    """Every SHACL result for `data` (no inference: the RDF must state its classes)."""
    _conforms, results, _text = validate(data, shacl_graph=shapes_graph(), inference="none",
                                         allow_warnings=True, allow_infos=True)
    findings = []
    # Only the report's own results: those nested in sh:detail explain a warning's
    # sub-shapes and carry their own (misleading) severity.
    for result in results.objects(None, SH.result):
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        findings.append(Finding(
            severity=severity,
            focus=str(results.value(result, SH.focusNode)),
            path=str(results.value(result, SH.resultPath) or ""),
            message=str(results.value(result, SH.resultMessage) or ""),
        ))
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.path))
    return Report(findings)
