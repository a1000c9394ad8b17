"""Compile the project's .po translation files to .mo without GNU gettext.

`manage.py compilemessages` needs GNU gettext's msgfmt; this script uses polib
instead, so a machine without gettext can still compile. It compiles every
locale/*/LC_MESSAGES/*.po under the project to a .mo next to it, leaving out
fuzzy entries (as msgfmt does). Run: .venv/bin/python scripts/compilemessages.py
"""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", ".git"}


def _po_files():
    """The project's catalogues: locale/ at the top and in each app (not the media or data folders, which other
    processes may be changing while this walks)."""
    for folder in [BASE_DIR, *sorted(p for p in BASE_DIR.iterdir() if p.is_dir() and p.name not in SKIP)]:
        yield from sorted(folder.glob("locale/*/LC_MESSAGES/*.po"))


def main() -> None:
    for po_path in _po_files():
        if SKIP.intersection(po_path.relative_to(BASE_DIR).parts):
            continue
        po = polib.pofile(str(po_path))
        for entry in po.fuzzy_entries():
            po.remove(entry)  # only from this in-memory copy, never the .po
        mo_path = po_path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        print(f"compiled {po_path.relative_to(BASE_DIR)} -> {mo_path.name} ({po.percent_translated()}% translated)")


if __name__ == "__main__":
    main()
