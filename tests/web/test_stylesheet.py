"""Every class the platform's page templates use is styled, or is a known hook."""
import re
from pathlib import Path

import datasud

ROOT = Path(datasud.__file__).parent
# Classes that only name a block for scripts or tests, or take the look of their parent.
HOOKS = {"main-column", "results", "language-form", "card-reuse", "result-date",
         "token-created", "is-scrollable", "pagination-prev", "pagination-next", "message-"}
# Apps whose templates this stylesheet serves (the datastore ships its own rules).
APPS = ["web", "catalog", "accounts", "territories", "dcat", "harvest"]


def defined_classes() -> set[str]:
    css = "".join(p.read_text() for p in ROOT.rglob("*.css"))
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return set(re.findall(r"\.(-?[a-zA-Z][\w-]*)", css))


def used_classes() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for app in APPS:
        for template in (ROOT / app).rglob("templates/**/*.html"):
            for value in re.findall(r'class="([^"]*)"', template.read_text()):
                # Template tags inside the attribute are not class names.
                for name in re.sub(r"\{[%{].*?[%}]\}", " ", value).split():
                    used.setdefault(name, set()).add(template.name)
    return used


def test_every_class_used_by_the_templates_has_a_rule():
    defined = defined_classes()
    missing = {name: sorted(where) for name, where in used_classes().items()
               if name not in defined and name not in HOOKS}
    assert missing == {}


def test_new_pages_classes_are_styled():
    defined = defined_classes()
    assert {"organisation-logo", "request-list", "h4", "message-info"} <= defined
