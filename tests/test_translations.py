"""The Chinese catalogue is complete and its compiled .mo matches the .po that is committed."""
import gettext
from pathlib import Path

import polib
import pytest
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
            found = compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)
            assert found == entry.msgstr, (entry.msgctxt, entry.msgid)


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


def test_a_word_that_names_different_things_says_which_by_its_context():
    """"Kind" named an organisation's kind (组织类型) and a bonus or deduction alike; "new" an imported row (新增), a
    fresh API token and an unread notification: each use has its own context (pgettext), so its own Chinese."""
    catalogue = polib.pofile(str(PO))
    entries = {(e.msgctxt, e.msgid): e.msgstr for e in catalogue}
    assert entries[("organisation", "Kind")] == "组织类型"
    assert entries[("bonus or deduction", "Kind")] == "加减分类型"
    assert entries[("notification", "unread")] == "未读"
    assert not [e.msgid for e in catalogue if e.msgid in ("Kind", "Kinds") and not e.msgctxt]


@pytest.mark.django_db
def test_the_bonus_or_deduction_choice_and_the_sort_order_read_in_chinese():
    from types import SimpleNamespace

    from django.utils import translation

    from assessment.filtersets import ScoreFilterSet
    from assessment.forms import AdjustmentForm
    from tests.factories import UserFactory

    with translation.override("zh-hans"):
        assert str(AdjustmentForm(user=UserFactory(), scheme=SimpleNamespace(organization=None)).fields["kind"].label) == "加减分类型"
        labels = [str(label) for _value, label in ScoreFilterSet(data={}).form.fields["ordering"].choices]
    assert "排名（降序）" in labels and not [label for label in labels if "descending" in label]
    with translation.override("en"):  # built per request, not when the module was loaded
        labels = [str(label) for _value, label in ScoreFilterSet(data={}).form.fields["ordering"].choices]
    assert "rank (descending)" in labels
