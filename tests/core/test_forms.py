"""core.forms: a service's ValidationError lands on the form that asked for the change; the one edit page saves through a
service and shows its refusal."""
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import add_errors, edit_page, errors_by_field


class TitleForm(forms.Form):
    title = forms.CharField()
    year = forms.IntegerField()


def _bound():
    form = TitleForm({"title": "计划", "year": "2026"})
    assert form.is_valid()
    return form


def test_messages_naming_a_field_go_under_it_and_the_rest_above_the_form():
    form = _bound()
    add_errors(form, ValidationError({"title": ["Taken.", "Too short."], "organization": "Not yours.",
                                      NON_FIELD_ERRORS: "Reload."}))
    assert form.errors["title"] == ["Taken.", "Too short."]
    assert form.non_field_errors() == ["Not yours.", "Reload."]
    assert "title" not in form.cleaned_data and form.cleaned_data["year"] == 2026


def test_messages_that_name_no_field_go_above_the_form_or_under_the_field_asked_for():
    form = _bound()
    add_errors(form, ValidationError(["Closed.", "Locked."]))
    assert form.non_field_errors() == ["Closed.", "Locked."]
    form = _bound()
    add_errors(form, ValidationError("A loop in the tree."), field="year")
    assert form.errors == {"year": ["A loop in the tree."]}
    form = _bound()
    add_errors(form, ValidationError({"parent": "Not below itself.", "title": "Taken."}), field="year")
    assert form.errors == {"year": ["Not below itself."], "title": ["Taken."]}


def test_errors_by_field_names_where_unnamed_messages_go():
    assert errors_by_field(ValidationError("No.")) == {NON_FIELD_ERRORS: ["No."]}
    assert errors_by_field(ValidationError(["No.", "Never."]), rest="non_field_errors") == {"non_field_errors": ["No.", "Never."]}
    assert errors_by_field(ValidationError({"title": "Taken."})) == {"title": ["Taken."]}


class _Page:
    """edit_page's render and messages, caught."""

    def __init__(self, monkeypatch):
        self.rendered, self.said = [], []
        monkeypatch.setattr("core.forms.render", lambda request, template, context: self.rendered.append((template, context)))
        monkeypatch.setattr("core.forms.messages.success", lambda request, text: self.said.append(text))


def test_the_edit_page_saves_a_valid_form_through_the_service_and_goes_to_the_result(rf, monkeypatch):
    page, saved = _Page(monkeypatch), []
    response = edit_page(rf.post("/", {"title": "计划", "year": "2026"}), TitleForm({"title": "计划", "year": "2026"}),
                         lambda form: saved.append(form.cleaned_data) or "/plans/7/", heading="Edit", done="Saved.")
    assert (response.status_code, response["Location"]) == (302, "/plans/7/")
    assert saved == [{"title": "计划", "year": 2026}] and page.said == ["Saved."] and page.rendered == []


def test_the_edit_page_shows_the_services_refusal_on_the_form_and_a_get_shows_the_form(rf, monkeypatch):
    page = _Page(monkeypatch)

    def refuse(form):
        raise ValidationError({"title": "Taken.", "organization": "Not yours."})

    form = TitleForm({"title": "计划", "year": "2026"})
    edit_page(rf.post("/"), form, refuse, heading="Edit", back="/plans/")
    template, context = page.rendered[0]
    assert template == "edit_form.html" and context == {"form": form, "heading": "Edit", "back": "/plans/"}
    assert form.errors == {"title": ["Taken."], "__all__": ["Not yours."]} and page.said == []
    edit_page(rf.get("/"), TitleForm(), refuse, heading="New")
    assert page.rendered[1][0] == "edit_form.html" and not page.rendered[1][1]["form"].is_bound
