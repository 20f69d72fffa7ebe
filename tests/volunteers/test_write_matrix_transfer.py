"""The write matrices of imports and certificates: every page and API write × every role × inside / outside / above.

Built on the cases of tests/test_write_matrix.py (API) and tests/test_page_write_matrix.py (pages), run by their
own test functions; both modules' resolver guards count the cases declared here. An import is its uploader's
alone: applying another user's answers 404; an upload names an organisation (and a records upload an activity),
which must lie where the caller keeps volunteers. The attacks — an import into an organisation outside the
subtree, records for an activity outside it — are refused and write nothing.
"""
import pytest
from django.core.files.base import ContentFile

from tests import test_page_write_matrix as pages
from tests import test_write_matrix as api_matrix
from tests.matrix import (
    OWN,
    ROLES,
    SEES_BRANCH,
    VOLUNTEER_MANAGERS,
    WHERE,
    M,
    assert_unchanged,
    by_id,
    role_matrix,
    snapshot,
    world_fixtures,
)
from tests.volunteers.ids import resident_id
from tests.volunteers.sheets import RECORD_HEADER, csv_file

module_world, world = world_fixtures()


def volunteers_csv(w, where):
    """A valid file of one new volunteer of the ``where`` branch."""
    return csv_file([["新人", "", "居民身份证", resident_id(), "", w.branch(where).code, "", "2026-02-01", ""]])


def checked_import(w, where):
    """A checked import without problems of ``owner(where)`` into the ``where`` branch, waiting to be applied."""
    def make():
        job = M.VolunteerImport(kind="volunteers", organization=w.branch(where), created_by=w.owner(where),
                                original_name="v.csv", status="done", progress=100, summary={"rows": 1, "valid": 1})
        job.file.save("v.csv", ContentFile(volunteers_csv(w, where).read()), save=False)
        job.save()
        return job
    return w.once(("checked_import", where, w.owner(where).pk), make)


Case = api_matrix.Case
API_CASES = [
    Case("post", "volunteer-imports/", lambda w, where: api_matrix.api("volunteer-imports/"),
         lambda w, where: {"kind": "volunteers", "organization": w.branch(where).code, "file": volunteers_csv(w, where)},
         VOLUNTEER_MANAGERS, fmt="multipart",
         sees=SEES_BRANCH, hidden=400),
    Case("post", "volunteer-imports/<pk>/apply/",
         lambda w, where: api_matrix.api(f"volunteer-imports/{checked_import(w, where).pk}/apply/"),
         allowed=VOLUNTEER_MANAGERS,
         sees=OWN),
    Case("post", "certificates/", lambda w, where: api_matrix.api("certificates/"),
         lambda w, where: {"volunteer": w.volunteer(where).pk}, VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
]

Page = pages.Page
PAGE_CASES = [
    Page("volunteers:import_upload", lambda w, where: "/volunteers/import/",
         lambda w, where: {"kind": "volunteers", "organization": w.branch(where).code, "file": volunteers_csv(w, where)},
         VOLUNTEER_MANAGERS, refused=pages.FORM_ERROR,
         why="an organisation outside the caller's volunteers is a form error (the code is not found)"),
    Page("volunteers:import_apply", lambda w, where: f"/volunteers/import/{checked_import(w, where).pk}/apply/",
         allowed=VOLUNTEER_MANAGERS,
         sees=OWN),
    Page("volunteers:certificate_issue", lambda w, where: f"/volunteers/{w.volunteer(where).pk}/certificate/",
         allowed=VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", by_id(API_CASES))
def test_an_api_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                          django_capture_on_commit_callbacks):
    api_matrix.test_a_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                                django_capture_on_commit_callbacks)


@pytest.mark.parametrize("case, role, where", role_matrix(PAGE_CASES))
def test_a_page_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                          django_capture_on_commit_callbacks):
    pages.test_a_page_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                                django_capture_on_commit_callbacks)


@pytest.mark.parametrize("case", by_id(PAGE_CASES))
def test_a_page_write_without_the_csrf_token_is_refused(world, case):
    pages.test_a_page_write_without_the_csrf_token_is_refused(world, case)


def records_csv(w, where):
    """Hours of the inside volunteer at the ``where`` activity (city A's, city B's, the province's)."""
    from volunteers import pii

    number = pii.decrypt(w.volunteer("inside").id_number_encrypted)
    return csv_file([[number, w.activity(where).title, "2026-03-02", "2"]], header=RECORD_HEADER)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("there", ["outside", "above"])
def test_no_import_reaches_an_organisation_or_activity_outside_the_subtree(client, world, role, there,
                                                                          django_capture_on_commit_callbacks):
    """Three attacks as every role: the upload names an organisation outside, a records upload names an activity
    outside (by id), and a records file inside names an activity outside (by title): refused, nothing written."""
    world.me = getattr(world.people, role)
    client.force_login(world.me)
    attacks = [
        {"kind": "volunteers", "organization": world.branch(there).code, "file": volunteers_csv(world, there)},
        {"kind": "records", "organization": world.tree.city_a.code, "activity": world.activity(there).pk,
         "file": records_csv(world, there)},
    ]
    for data in attacks:
        before = snapshot()
        response = client.post("/api/v1/volunteer-imports/", data)
        assert response.status_code in (400, 403, 404), (response.status_code, response.content[:300])
        assert_unchanged(before)
    before_records = M.ServiceRecord.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/volunteer-imports/", {"kind": "records", "organization": world.tree.city_a.code,
                                                              "file": records_csv(world, there)})
    if response.status_code == 202:
        job = M.VolunteerImport.objects.get(pk=response.json()["id"])
        assert job.status == "invalid" and job.errors[0]["column"] == "活动名称", job.errors
    else:
        assert response.status_code in (400, 403)
    assert M.ServiceRecord.objects.count() == before_records
