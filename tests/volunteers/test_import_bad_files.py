"""Hostile files sent to the volunteer import: the shared bad-file corpus (tests/fixtures/bad/: zip bombs, a declared
million-row dimension, DTDs, damaged workbooks), a generated million-row sheet and the import's own files
(tests/fixtures/volunteers/, made by tests/tools/make_volunteer_fixtures.py: merged cells and formulas, a
40,000-character cell, thousands of junk rows). Each ends the import with a message (the file refused) or with
its problems by row and column; nothing is written; time and memory stay bounded."""
import json
import resource
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.choices import ImportStatus
from volunteers import imports
from volunteers.models import Volunteer, VolunteerImport

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFEST = json.loads((FIXTURES / "bad" / "manifest.json").read_text(encoding="utf-8"))
SHEETS = [f for f in MANIFEST["fixtures"] if "spreadsheets" in f["groups"] and not f.get("generated")]
MEMORY_BOUND = 200 * 1024 * 1024
TIME_BOUND = 5.0

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _import(name, content, people, tree, callbacks):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.process_time()  # CPU time: what a worker spends, whatever else loads the machine
    with callbacks(execute=True):
        job = imports.start_import(by=people.staff, kind="volunteers", organization=tree.district,
                                   upload=SimpleUploadedFile(name, content))
    job.refresh_from_db()
    assert time.process_time() - started < TIME_BOUND
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before < MEMORY_BOUND
    assert not Volunteer.objects.exists()
    assert not job.file  # a refused file is not kept
    return job


@pytest.mark.parametrize("fixture", SHEETS, ids=[f["file"] for f in SHEETS])
def test_each_bad_sheet_of_the_corpus_ends_the_import_with_its_message(fixture, tree, people, settings,
                                                                       django_capture_on_commit_callbacks):
    for key, value in (fixture.get("settings") or {}).items():
        setattr(settings, key, value)
    job = _import(fixture["file"], (FIXTURES / "bad" / fixture["file"]).read_bytes(), people, tree,
                  django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    expected = fixture["zh"].split("%")[0]
    assert job.detail.startswith(expected), job.detail


def test_a_million_rows_are_refused_at_the_ceiling(tree, people, settings, django_capture_on_commit_callbacks):
    content = ("姓名,证件号码\n" + "x,1\n" * 1_000_000).encode()
    job = _import("million.csv", content, people, tree, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED and "200,000" in job.detail


def test_merged_cells_and_formulas_are_read_as_values(tree, people, django_capture_on_commit_callbacks):
    job = _import("m.xlsx", (FIXTURES / "volunteers" / "merged-formulas.xlsx").read_bytes(), people, tree,
                  django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert {p["column"] for p in job.errors} >= {"证件号码"}
    assert all(p["row"] == 2 for p in job.errors), job.errors


def test_a_huge_cell_is_one_problem_quoted_short(tree, people, django_capture_on_commit_callbacks):
    job = _import("h.xlsx", (FIXTURES / "volunteers" / "huge-cell.xlsx").read_bytes(), people, tree,
                  django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert max(len(p["message"]) for p in job.errors) < 300


def test_thousands_of_junk_rows_keep_a_bounded_list_of_problems(tree, people, django_capture_on_commit_callbacks):
    job = _import("junk.csv", (FIXTURES / "volunteers" / "junk-rows.csv").read_bytes(), people, tree,
                  django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert job.error_count > imports.MAX_STORED_PROBLEMS == len(job.errors)
    assert VolunteerImport.objects.get().summary["rows"] == 3000
