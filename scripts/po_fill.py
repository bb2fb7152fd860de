"""Fill chosen entries of the zh_Hans catalogue from a small TSV of `msgid<TAB>translation` lines, clear their fuzzy
mark and report what is still untranslated or fuzzy; the .po stays the one source (this only edits it).

    .venv/bin/python scripts/po_fill.py NEW.tsv && (cd src/parkos && ../../.venv/bin/parkos compilemessages)
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/parkos/locale/zh_Hans/LC_MESSAGES/django.po"


def main(tsv: str) -> int:
    given = dict(
        line.split("\t", 1) for line in Path(tsv).read_text(encoding="utf-8").splitlines() if "\t" in line
    )
    po = polib.pofile(str(PO))
    for e in po:
        if e.msgid in given:
            e.msgstr = given[e.msgid]
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
            e.previous_msgid = None
            e.previous_msgctxt = None
    po.save(str(PO))
    left = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    for m in left:
        sys.stderr.write(f"untranslated or fuzzy: {m!r}\n")
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
