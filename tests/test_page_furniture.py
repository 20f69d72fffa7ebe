"""What every page carries (issue 14): a favicon (no 404 for /favicon.ico), the language switch naming each language
in its own words, a header whose text meets WCAG AA contrast, and labels that say the same thing the same way."""
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

CSS = Path(settings.BASE_DIR) / "static" / "css" / "portal.css"


def test_every_page_links_a_favicon_and_favicon_ico_is_not_a_404(client, people):
    client.force_login(people.staff)
    html = client.get("/plans/").content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert any(i.endswith(".svg") for i in icons) and any(i.endswith(".png") for i in icons)
    for name in ("img/favicon.svg", "img/favicon-32.png", "img/apple-touch-icon.png", "img/favicon.ico"):
        assert finders.find(name), name
    client.logout()
    response = client.get("/favicon.ico")  # browsers ask before anyone logs in
    assert response.status_code == 302 and response["Location"].endswith("img/favicon.ico")
    assert client.post("/favicon.ico").status_code == 405
    assert '<link rel="icon"' in client.get("/accounts/login/").content.decode()


def test_the_language_switch_names_each_language_in_its_own_words(client, people):
    client.force_login(people.staff)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get("/plans/").content.decode()
        switch = re.search(r'<form[^>]*id="language-switch".*?</form>', html, re.S).group(0)
        assert ">简体中文</option>" in switch and ">English</option>" in switch, language
        assert "英语" not in switch and "Simplified Chinese" not in switch


def _luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_header_text_meets_wcag_aa_contrast_on_the_league_red():
    css = CSS.read_text()
    red = re.search(r"--league-red:\s*(#[0-9a-fA-F]{6})", css).group(1)
    for variable in ("--bs-navbar-color", "--bs-navbar-hover-color", "--bs-navbar-brand-color"):
        colour = re.search(variable + r":\s*(#[0-9a-fA-F]{3,6})", css).group(1)
        colour = "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour
        lighter, darker = sorted([_luminance(colour), _luminance(red)], reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, variable  # Bootstrap's default was 2.56:1


def test_user_forms_say_full_name_alike(client, people, tree):
    from django.utils import translation

    from orgs.forms import AccountForm, UserCreateForm

    with translation.override("zh-hans"):
        assert str(AccountForm().fields["first_name"].label) == "姓名"
        assert str(UserCreateForm(user=people.admin).fields["first_name"].label) == "姓名"


def test_the_tree_counts_the_organisations_below_not_the_organisation_itself(client, people, tree):
    client.force_login(people.admin)
    html = client.get(f"/orgs/{tree.city_a.pk}/").content.decode()
    assert re.search(r"<th>下辖组织数</th><td>2</td>", html)  # A1 and A1a
    html = client.get(f"/orgs/{tree.branch.pk}/").content.decode()
    assert re.search(r"<th>下辖组织数</th><td>0</td>", html)
