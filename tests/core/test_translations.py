"""The .po catalogue is the one source of translations: complete, not fuzzy, compiled, and current with the
code (a string added to the code without its translation fails here)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "parkos"
PO = PKG / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _key(e) -> tuple:
    return (e.msgctxt or "", e.msgid, e.msgid_plural or "")


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_the_compiled_catalogue_matches_the_po():
    po = {_key(e): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO)) if e.translated()}
    mo = {_key(e): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert {k for k in po if po[k] != mo.get(k)} == set()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt: gettext)")
def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extract the strings again into a copy and compare: nothing in the code is missing from the .po."""
    copy = tmp_path / "parkos"
    shutil.copytree(PKG, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo", "migrations"))
    parkos = Path(sys.executable).with_name("parkos")
    subprocess.run(
        [str(parkos), "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"], cwd=copy, check=True
    )
    fresh = {_key(e) for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    ours = {_key(e) for e in polib.pofile(str(PO))}
    assert sorted(fresh - ours) == []


def test_no_translated_string_hides_inside_an_f_string():
    """xgettext cannot read `f"{_('…')}"`: such a string never reaches the catalogue and shows in English (the
    alerts once said `problem overdue`). A sentence with parameters is one msgid: `_("%(x)s overdue") % {...}`."""
    import ast

    found = []
    for path in sorted(PKG.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for part in ast.walk(node):
                    if isinstance(part, ast.Call) and getattr(part.func, "id", "") in {
                        "_",
                        "gettext",
                        "pgettext",
                    }:
                        found.append(f"{path.relative_to(PKG)}:{node.lineno}")
    assert found == []
