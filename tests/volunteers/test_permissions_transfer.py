"""Who reads what of imports, the records export and certificates: the generated read matrix of their pages and API.

An import is its uploader's alone (``OWN``: the caller's own inside, another user's outside, the superuser's above);
the records export lists the records the caller sees (the World's record at each place is the ``where`` volunteer
at the ``where`` activity: ``SEES_BRANCH``); a certificate is seen where its issuing organisation is; the public
verification page answers anyone; ``my_certificate`` is the volunteer's own, and none of the World's users is one.
"""
from tests.matrix import (
    OWN,
    SEES_BRANCH,
    VOLUNTEER_MANAGERS,
    WHERE,
    Listing,
    M,
    Read,
    api_rows,
    at,
    context_rows,
    here,
    of,
    read_tests,
    sheet_rows,
    world_fixtures,
)


def volunteer_import(w, where):
    """A checked import of ``owner(where)`` into the ``where`` branch, with one problem."""
    return w.once(("volunteer_import", where, w.owner(where).pk), lambda: M.VolunteerImport.objects.create(
        kind="volunteers", organization=w.branch(where), created_by=w.owner(where), original_name="v.csv",
        status="invalid", progress=100, summary={"rows": 1, "valid": 0}, error_count=1,
        errors=[{"row": 2, "column": "证件号码", "message": "校验位不正确"}]))


def certificate(w, where):
    """A certificate of the ``where`` volunteer issued by the ``where`` branch."""
    return w.once(("certificate", where), lambda: M.Certificate.objects.create(
        volunteer=w.volunteer(where), organization=w.branch(where), code=f"CODE{where.upper()}", total_hours=3,
        record_count=1))


def prepare(w, where):
    w.service_record(where)


module_world, world = world_fixtures(prepare)


def exported_records(w, role, response):
    """The records export lists the World's record at each place exactly for those who see it."""
    names = {row[0] for row in sheet_rows(response)[1:]}
    return all((f"志愿者{where}" in names) == ((role, where) in SEES_BRANCH) for where in WHERE)


READS = [
    # --- pages -----------------------------------------------------------------------------------------------------
    Read("volunteers:import_upload", here("volunteers:import_upload"), anywhere=True, may=VOLUNTEER_MANAGERS),
    *(Read("volunteers:import_template", lambda w, where, kind=kind: at("volunteers:import_template", kind),
           anywhere=True, may=VOLUNTEER_MANAGERS, variant=kind) for kind in ("volunteers", "records")),
    Read("volunteers:import_detail", of("volunteers:import_detail", volunteer_import), OWN),
    Read("volunteers:import_progress", of("volunteers:import_progress", volunteer_import), OWN),
    Read("volunteers:record_export", here("volunteers:record_export"), anywhere=True, check=exported_records),
    Read("volunteers:record_list", here("volunteers:record_list"), anywhere=True,
         listing=Listing(M.ServiceRecord, context_rows("table"), item=lambda w, where: w.service_record(where),
                         shown=SEES_BRANCH)),
    Read("volunteers:record_list", here("volunteers:record_list", export="xlsx", sort="-hours"), anywhere=True,
         variant="export this list", check=exported_records),
    Read("volunteers:my_certificate", here("volunteers:my_certificate"), anywhere=True, may=set(), refused=404,
         why="a volunteer's own certificate, through the account linked to the registration; none of the World's "
             "users is a volunteer (tests/volunteers/test_transfer_pages.py downloads one)"),
    Read("volunteers:certificate_verify", lambda w, where: at("volunteers:certificate_verify", certificate(w, where).code),
         anywhere=True, public=200,
         why="printed on the certificate as a QR code: whoever holds the paper checks it (name masked, totals, issuer)"),
    # --- API -------------------------------------------------------------------------------------------------------
    Read("api:volunteerimport-list", here("api:volunteerimport-list", page_size=500), anywhere=True,
         listing=Listing(M.VolunteerImport, api_rows, item=volunteer_import, shown=OWN)),
    Read("api:volunteerimport-detail", of("api:volunteerimport-detail", volunteer_import), OWN),
    Read("api:volunteerimport-problems", of("api:volunteerimport-problems", volunteer_import), OWN),
    Read("api:servicerecord-export", here("api:servicerecord-export"), anywhere=True, check=exported_records),
    Read("api:certificate-list", here("api:certificate-list", page_size=500), anywhere=True,
         listing=Listing(M.Certificate, api_rows, item=certificate, shown=SEES_BRANCH)),
    Read("api:certificate-detail", of("api:certificate-detail", certificate), SEES_BRANCH),
]

test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
