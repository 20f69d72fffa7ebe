"""The OpenAPI document says what the API answers: its errors, its filters, which lists are paginated."""
import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def test_every_operation_documents_the_errors_it_can_answer(document):
    for path, method, operation in operations(document):
        responses, parameters = operation["responses"], operation.get("parameters", [])
        if path != "/api/v1/auth/token/":
            assert "403" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "GET" or any(p["in"] == "query" for p in parameters):
            assert "400" in responses, (method, path)
        for code in ("400", "403", "404"):
            if code in responses:
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_the_error_shape_is_the_exception_handlers(document, api, people):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors", "refused", "reasons"}
    answer = api.login(people.admin).post("/api/v1/plans/", {"year": "soon"}).json()
    assert set(answer) <= {"detail", "errors"} and "year" in answer["errors"]


def parameters(document, path, method="get"):
    return {p["name"] for p in document["paths"][path][method].get("parameters", []) if p["in"] == "query"}


def test_lists_document_their_filters_and_actions_only_what_they_read(document):
    assert {"year", "updated_since", "within", "status", "page"} <= parameters(document, "/api/v1/plans/")
    assert parameters(document, "/api/v1/monthly-reports/summary/") == {"year", "within"}
    assert parameters(document, "/api/v1/assignments/{id}/decompose/", "post") == set()
    assert parameters(document, "/api/v1/organizations/{id}/ancestors/") == set()
    assert {"within", "level", "page"} <= parameters(document, "/api/v1/organizations/{id}/children/")
    assert {"within", "level", "file_format"} <= parameters(document, "/api/v1/organizations/export/")


def test_a_year_filter_documents_the_portals_years(document):
    year = next(p for p in document["paths"]["/api/v1/monthly-reports/"]["get"]["parameters"] if p["name"] == "year")
    assert (year["schema"]["type"], year["schema"]["minimum"], year["schema"]["maximum"]) == ("integer", 2000, 2100)
