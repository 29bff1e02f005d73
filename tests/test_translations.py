"""The catalogues: every visitor, volunteer and host page and every message is complete in Spanish, Portuguese and
French, and staff pages speak English unless the catalogues of the language asked for are complete.

The .po files are read with ``exchange.languages.read_catalogue`` (the project has no gettext library among its
dependencies). The check of what Django actually serves reads the compiled catalogues: run ``make messages`` (which
``make test`` does first) after changing a .po file.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from exchange.languages import (
    PUBLIC_PATHS,
    catalogues,
    complete_languages,
    gaps,
    language_name,
    language_names,
    plural_count,
    read_catalogue,
)
from programs.links import personal_link_path
from tests.factories import ParticipantFactory

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGUES = [path for language in LANGUAGES for path in catalogues(BASE_DIR).get(language, [])]
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]")
TAG = re.compile(r"<[^>]+>")


def _name(path):
    return str(path.relative_to(BASE_DIR))


def _marks_strings(app_path):
    """Whether an app marks any text for translation (templates or Python)."""
    for path in app_path.rglob("*"):
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts and path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            if "gettext" in text or "{% translate" in text or "{% blocktranslate" in text:
                return True
    return False


PROJECT_APPS = [
    app
    for app in apps.get_app_configs()
    if Path(app.path).is_relative_to(BASE_DIR)
    and "site-packages" not in Path(app.path).parts
    and _marks_strings(Path(app.path))
]


@pytest.mark.parametrize("app", PROJECT_APPS, ids=lambda app: app.label)
def test_every_app_that_marks_text_has_a_catalogue_per_language(app):
    missing = [
        language
        for language in LANGUAGES
        if not (Path(app.path) / "locale" / language / "LC_MESSAGES" / "django.po").is_file()
    ]
    assert not missing, f"{app.label} has no catalogue for {missing}: run makemessages in {app.label}/"


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_no_message_is_untranslated_or_fuzzy(path):
    found = gaps(path)
    assert not found, f"{_name(path)}: {len(found)} untranslated or fuzzy:\n" + "\n".join(
        f"  line {entry.line}: {entry.label!r}" + (" (fuzzy)" if entry.is_fuzzy else "") for entry in found
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_translations_keep_the_placeholders_and_markup_of_their_message(path):
    header, entries = read_catalogue(path)
    forms = plural_count(header)
    wrong = []
    for entry in entries:
        if entry.msgid_plural is not None:
            expected = sorted(set(PLACEHOLDER.findall(entry.msgid_plural)))
            for index in range(forms):
                text = entry.msgstr.get(index, "")
                if text and sorted(set(PLACEHOLDER.findall(text))) != expected:
                    wrong.append(f"  line {entry.line}: {entry.label!r} → [{index}] {text!r}")
            continue
        text = entry.msgstr.get(0, "")
        if not text:
            continue
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
            wrong.append(f"  line {entry.line}: {entry.label!r} → {text!r} (placeholders)")
        elif sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)):
            wrong.append(f"  line {entry.line}: {entry.label!r} → {text!r} (markup)")
    assert not wrong, f"{_name(path)}:\n" + "\n".join(wrong)


def _translations(language):
    """{(context, msgid): {msgstr-tuple: [catalogue, ...]}} over every catalogue of ``language``."""
    found = {}
    for path in catalogues(BASE_DIR).get(language, []):
        _header, entries = read_catalogue(path)
        for entry in entries:
            if entry.is_translated and not entry.is_fuzzy:
                # A plural message by its singular and its general plural (the last form): catalogues of one
                # language may count their plural forms differently.
                forms = [entry.msgstr[index] for index in sorted(entry.msgstr)]
                text = (forms[0], forms[-1]) if entry.msgid_plural is not None else (forms[0],)
                found.setdefault((entry.context, entry.msgid), {}).setdefault(text, []).append(_name(path))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_has_one_translation_across_the_apps(language):
    """Django merges the catalogues of every app into one: of two translations of the same message (same context),
    only one is ever shown. A message that must read differently in two places needs a context."""
    differing = {key: texts for key, texts in _translations(language).items() if len(texts) > 1}
    assert not differing, "\n".join(
        f"  {key[0] + ' | ' if key[0] else ''}{key[1]!r}: "
        + "; ".join(f"{text[0]!r} in {', '.join(paths)}" for text, paths in texts.items())
        for key, texts in differing.items()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_django_serves_is_what_the_catalogues_say(language):
    """The compiled catalogues are current, and no catalogue of Django's own apps (listed before the project's in
    INSTALLED_APPS) replaces one of the project's translations: such a word belongs in
    ``exchange.languages.SHARED_WORDS``, translated in the top-level catalogue."""
    replaced = []
    with translation.override(language):
        for (context, msgid), texts in _translations(language).items():
            text = next(iter(texts))  # one of them if several (the test above names those)
            if len(text) != 1:
                continue  # plural messages: their forms follow each catalogue's own plural rule
            served = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if served != text[0]:
                replaced.append(f"  {msgid!r}: the catalogue says {text[0]!r}, Django serves {served!r}")
    assert not replaced, "Run `make messages` if a .po file changed since.\n" + "\n".join(replaced)


# --- Staff pages speak English unless the language asked for is complete ------------------------------------------


def _write_catalogue(path, entries):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr, fuzzy in entries:
        lines += (["#, fuzzy"] if fuzzy else []) + [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_only_languages_every_catalogue_translates_in_full_are_complete(tmp_path):
    for app in ("alpha", "beta"):
        _write_catalogue(tmp_path / app / "locale/es/LC_MESSAGES/django.po", [("Save", "Guardar", False)])
    _write_catalogue(tmp_path / "alpha/locale/pt/LC_MESSAGES/django.po", [("Save", "Salvar", False)])
    _write_catalogue(tmp_path / "beta/locale/pt/LC_MESSAGES/django.po", [("Save", "", False)])
    _write_catalogue(tmp_path / "alpha/locale/fr/LC_MESSAGES/django.po", [("Save", "Enregistrer", True)])
    _write_catalogue(tmp_path / "beta/locale/fr/LC_MESSAGES/django.po", [("Save", "Enregistrer", False)])
    # "de" has a catalogue in one app only.
    _write_catalogue(tmp_path / "alpha/locale/de/LC_MESSAGES/django.po", [("Save", "Speichern", False)])

    assert complete_languages(tmp_path, ["es", "pt", "fr", "de"]) == {"es"}


def test_the_projects_catalogues_are_complete_in_every_language():
    assert complete_languages(BASE_DIR, LANGUAGES) == set(LANGUAGES)


def _html_language(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_a_staff_page_speaks_english_when_the_language_asked_for_is_incomplete(settings, staff_client):
    settings.STAFF_LANGUAGES = {"pt"}  # as if Spanish and French were half translated

    response = staff_client.get("/", HTTP_ACCEPT_LANGUAGE="es")

    assert _html_language(response) == "en"
    assert "Sign out" in response.content.decode()
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_staff_page_follows_the_browser_when_the_language_is_complete(settings, staff_client):
    settings.STAFF_LANGUAGES = {"es"}

    response = staff_client.get("/", HTTP_ACCEPT_LANGUAGE="es")

    assert _html_language(response) == "es"
    assert "Cerrar sesión" in response.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_is_a_staff_page(settings, client):
    settings.STAFF_LANGUAGES = set()

    assert _html_language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")) == "en"


@pytest.mark.django_db
def test_a_visitor_page_speaks_the_visitors_language_whatever_staff_pages_may_speak(settings, client, program, stop):
    settings.STAFF_LANGUAGES = set()
    participant = ParticipantFactory(program=program, preferred_language="es")

    response = client.get(personal_link_path(participant), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert _html_language(response) == "es"


def _token_routes(resolver, prefix=""):
    """(path as written, with converters) of every URL pattern that takes a token."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _token_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and "token" in pattern.pattern.converters:
            yield "/" + route


def test_every_page_reached_from_a_link_with_a_token_is_public():
    """A page reached from an emailed or printed link picks its reader's language: it must not be taken for a staff
    page (``exchange.languages.PUBLIC_PATHS``)."""
    routes = list(_token_routes(get_resolver()))
    assert routes
    assert [route for route in routes if not route.startswith(PUBLIC_PATHS)] == []


# --- Names of languages -----------------------------------------------------------------------------------------


def test_language_names_are_in_the_readers_language():
    with translation.override("es"):
        assert language_name("fr") == "francés"
        assert language_names("en, pt-br,ar") == ["inglés", "portugués de Brasil", "árabe"]
        assert language_names(["xx", ""]) == ["xx"]
    with translation.override("fr"):
        assert language_names("es,en") == ["espagnol", "anglais"]
    with translation.override("en"):
        assert language_names("es,pt") == ["Spanish", "Portuguese"]


# --- The catalogues hold every message of the code ---------------------------------------------------------------


def _extract_into_copy(source, target, only=None):
    """Copy ``source`` (its ``only`` entries, or all of it) to ``target`` and run makemessages there, as a developer
    runs it in the app; the project's own files are not touched."""
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "node_modules")
    if only is None:
        shutil.copytree(source, target, ignore=ignore)
    else:
        for name in only:
            if (source / name).is_dir():
                shutil.copytree(source / name, target / name, ignore=ignore)
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "makemessages", *(f"-l{code}" for code in LANGUAGES), "-v0"],
        cwd=target,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "exchange.settings_test", "PYTHONPATH": str(BASE_DIR)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [path for code in LANGUAGES for path in sorted(target.glob(f"locale/{code}/LC_MESSAGES/django.po"))]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext (xgettext, msgmerge) is not installed")
def test_every_message_of_the_code_is_in_its_catalogue_and_translated(tmp_path):
    """A message added to a template or module but not yet extracted (``makemessages``) and translated shows in
    English: the catalogues are extracted again on a copy and must have nothing untranslated."""
    copies = [
        _extract_into_copy(BASE_DIR, tmp_path / "project", only=["templates", "exchange", "locale"]),
        *(_extract_into_copy(Path(app.path), tmp_path / app.label) for app in PROJECT_APPS),
    ]
    missing = [
        f"  {path.relative_to(tmp_path)}: {entry.label!r}" for paths in copies for path in paths for entry in gaps(path)
    ]
    assert not missing, "Run makemessages in the app (see README) and translate:\n" + "\n".join(missing)
