"""The interface is Swedish: every message has a translation, and the compiled
catalogue that is committed matches its source."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "sv" / "LC_MESSAGES"


def _entries(text: str) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for each entry of a .po file."""
    entries = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, msgstrs, current = [], [], None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("msgid "):
                current = msgid
                current.append(line[6:].strip('"'))
            elif line.startswith("msgid_plural"):
                current = None
            elif line.startswith("msgstr"):
                msgstrs.append([line.split(" ", 1)[1].strip('"')])
                current = msgstrs[-1]
            elif line.startswith('"') and current is not None:
                current.append(line.strip('"'))
        if msgid:
            entries.append(("".join(msgid), ["".join(s) for s in msgstrs], fuzzy))
    return entries


def test_every_message_has_a_swedish_translation():
    entries = _entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    untranslated = [msgid for msgid, msgstrs, fuzzy in entries if msgid and not all(msgstrs)]
    fuzzy = [msgid for msgid, _msgstrs, is_fuzzy in entries if msgid and is_fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(CATALOGUE / "django.po")],
        check=True,
    )
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes()
