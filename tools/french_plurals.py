"""Write the French catalogue that only gives French plural rules to the source strings.

The interface is written in French: its strings are the msgids, and a French page needs
no translation, except for plurals. Without a French catalogue, gettext applies the
English rule to `ngettext` and `{% blocktranslate count %}` (singular for 1 only: "0 jeux
de données publics"), where French takes the singular for 0 and 1 ("0 jeu de données
public"). This catalogue holds each plural string as its own translation, under the French
rule `plural=(n > 1)`; singular strings need no entry.

    .venv/bin/python tools/french_plurals.py   # after changing a plural string

It runs `makemessages -l fr`, keeps the header and the plural entries, fills them, and
compiles the catalogue (datasud/locale/fr/LC_MESSAGES). Needs GNU gettext, like
makemessages. `tests/web/test_i18n.py` checks that the catalogue is filled and compiled.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "datasud" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
HEADER = {
    "Project-Id-Version": "DataSud",
    "Language": "fr",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT / "datasud",
                   check=True, stdout=subprocess.DEVNULL)


def _field(entry: str, name: str) -> list[str]:
    """The quoted lines of `name` ("msgid", "msgid_plural") in a .po entry."""
    match = re.search(rf'^{re.escape(name)} (".*"(?:\n".*")*)', entry, re.M)
    return match.group(1).split("\n") if match else []


def plural_entries(po: str) -> list[str]:
    """The plural entries of a catalogue written by makemessages, each string given as
    its own translation (`msgstr[0]`: the singular, `msgstr[1]`: the plural)."""
    kept = []
    for entry in po.split("\n\n")[1:]:
        if "\nmsgid_plural " not in entry:
            continue
        singular, plural = _field(entry, "msgid"), _field(entry, "msgid_plural")
        comments = [line for line in entry.split("\n")
                    if line.startswith("#") and "fuzzy" not in line]
        kept.append("\n".join([*comments, "msgid " + "\n".join(singular),
                               "msgid_plural " + "\n".join(plural),
                               "msgstr[0] " + "\n".join(singular),
                               "msgstr[1] " + "\n".join(plural)]))
    return kept


def main() -> int:
    try:
        _manage("makemessages", "-l", "fr", "--no-obsolete", "--no-location")
    except subprocess.CalledProcessError:
        print("french_plurals: makemessages failed (is GNU gettext installed? "
              "apt-get install gettext); run it again once it works.", file=sys.stderr)
        return 1
    entries = plural_entries(CATALOGUE.read_text(encoding="utf-8"))
    header = "".join(f'"{key}: {value}\\n"\n' for key, value in {
        **HEADER, "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit"}.items())
    CATALOGUE.write_text(
        "# French plural rules for DataSud's French source strings (tools/french_plurals.py)."
        "\n# Generated: do not edit by hand.\n"
        f'msgid ""\nmsgstr ""\n{header}\n' + "\n\n".join(entries) + "\n", encoding="utf-8")
    _manage("compilemessages", "-l", "fr")
    print(f"{len(entries)} plural strings in {CATALOGUE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
