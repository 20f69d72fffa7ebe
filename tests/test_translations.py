"""The Chinese catalogue is complete and its compiled .mo matches the .po that is committed."""
import gettext
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = gettext.GNUTranslations(open(PO.with_suffix(".mo"), "rb"))
    for entry in polib.pofile(str(PO)).translated_entries():
        if not entry.msgid_plural:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_the_templates_and_code_have_no_message_missing_from_the_catalogue(tmp_path):
    """makemessages on the current sources adds nothing new to the catalogue."""
    import shutil
    import subprocess
    import sys

    import pytest

    if not shutil.which("xgettext"):
        pytest.skip("xgettext (Debian package gettext) is not installed")
    work = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, work, ignore=shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", "tests", "*.sqlite3"))
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"], cwd=work, check=True, capture_output=True)
    fresh = {e.msgid for e in polib.pofile(str(work / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(PO))}
    assert sorted(fresh - known) == []


def test_no_two_kinds_of_thing_share_a_label():
    """A field that picks a kind or type from choices says whose: Adjustment.kind once shared the label "kind" with
    Organization.kind, whose Chinese (组织类型) then named bonuses and deductions."""
    from django.apps import apps
    from django.utils import translation

    choices_by_label = {}
    with translation.override(None):
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                if f.choices and (f.name in ("kind", "type") or f.name.endswith(("_kind", "_type"))):
                    choices_by_label.setdefault(str(f.verbose_name), set()).add(tuple(f.choices))
    assert {label: len(c) for label, c in choices_by_label.items() if len(c) > 1} == {}
