"""core.forms: a service's ValidationError lands on the form that asked for the change."""
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import add_errors, errors_by_field


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
