"""Languages: which ones staff pages may speak, the names of languages in the reader's language, and a small reader
of the gettext catalogues (the project keeps no gettext library among its dependencies).

**Staff pages speak English unless the catalogues of the language asked for are complete.** Visitors, volunteers,
host contacts and program officers read the app in their own language: their pages and every email are translated
in full into each of ``settings.LANGUAGES`` (``tests/test_translations.py`` fails on any untranslated or fuzzy
string). Staff pages follow the browser's language through ``LocaleMiddleware`` — and a staff page in a language
whose catalogues are half done mixes two languages on one screen. ``StaffLanguageMiddleware`` therefore keeps
staff pages in English unless the language asked for is in ``settings.STAFF_LANGUAGES``, which ``settings.py``
computes at start-up (``complete_languages``) as the languages every catalogue of the project has translated to
the last string.

The rule is decided by the page, not by who asks: a page is public when its path is one of ``PUBLIC_PATHS`` (the
pages reached from a personal or emailed link, which pick their reader's language themselves), and every other page
is a staff page — the sign-in page, the admin and error pages of staff URLs included. That costs no query (who is
asking is not read for it) and a staff member who opens a visitor's link sees the page as the visitor does.
``tests/test_translations.py`` checks that every page whose URL carries a token lies under a public path.
"""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

# Pages reached from a link in an email or on paper, in their reader's language: a visitor's or program staff
# member's personal link, the volunteer portal, a host contact's answer to a meeting request, a host's or
# volunteer's acknowledgement of a change, unsubscribing, the sponsor's review of an itinerary version and the
# feedback form of a thank-you.
PUBLIC_PATHS = (
    "/v/",
    "/hospitality/me/",
    "/requests/answer/",
    "/outbox/meeting/",
    "/outbox/unsubscribe/",
    "/lifecycle/review/",
    "/lifecycle/feedback/",
)


def gettext_noop(message):
    """Marks ``message`` for the catalogue (makemessages reads the name) without translating it: this module is
    imported by ``settings.py``, before Django's own ``gettext_noop`` may be called."""
    return message


# Words the project shares with Django's own catalogues. ``django.contrib.admin`` and ``django.contrib.auth`` come
# before the project's apps in INSTALLED_APPS, so their translation of these words would win in every app; their
# "pt" is European Portuguese ("Gravar", "último nome") where the project writes Brazilian Portuguese. Marked here,
# the words are translated in the project's own catalogue (``locale/``, LOCALE_PATHS), which wins over every app.
SHARED_WORDS = (
    gettext_noop("Save"),
    gettext_noop("Delete"),
    gettext_noop("History"),
    gettext_noop("Filter"),
    gettext_noop("Email"),
    gettext_noop("first name"),
    gettext_noop("last name"),
    gettext_noop("user"),
)

# Month names as dates print them ("terça-feira, 2 de março"): Django's own "pt" catalogue capitalises them, which
# Portuguese does not (the other languages keep Django's own words).
MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)

# Languages that write the names of languages in lower case inside a sentence ("habla francés").
_LOWER_CASE_LANGUAGE_NAMES = {"es", "pt", "fr"}


def language_name(code):
    """The name of the language ``code`` in the active language ("francés" for "fr" on a Spanish page); a code
    Django does not know is given back as it is."""
    code = (code or "").strip()
    if not code:
        return ""
    info = None
    for candidate in (code, code.lower(), code.lower().split("-")[0].split("_")[0]):
        try:
            info = translation.get_language_info(candidate)
            break
        except KeyError:
            continue
    if info is None:
        return code
    name = str(info["name_translated"])
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    # The first letter only: "portugués de Brasil".
    return name[:1].lower() + name[1:] if active in _LOWER_CASE_LANGUAGE_NAMES else name


def language_names(codes):
    """``language_name`` of each of ``codes``: a list, or text separated by commas ("en,es" or "English, es")."""
    if isinstance(codes, str):
        codes = codes.split(",")
    return [name for name in (language_name(code) for code in codes or ()) if name]


class StaffLanguageMiddleware:
    """After ``LocaleMiddleware``: a staff page (any page outside ``PUBLIC_PATHS``) speaks the language the browser
    asked for only when it is in ``settings.STAFF_LANGUAGES``, and English otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PUBLIC_PATHS):
            language = translation.get_language()
            if language not in staff_languages():
                translation.activate(settings.LANGUAGE_CODE)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def staff_languages():
    """The languages staff pages may speak: the site's own and ``settings.STAFF_LANGUAGES``."""
    return {settings.LANGUAGE_CODE, *getattr(settings, "STAFF_LANGUAGES", ())}


# --- The catalogues -------------------------------------------------------------------------------------------


class Entry:
    """One message of a .po file."""

    def __init__(self):
        self.context = None
        self.msgid = ""
        self.msgid_plural = None
        self.msgstr = {}  # index -> text; index 0 for a message without plural
        self.flags = set()
        self.line = 0

    @property
    def is_fuzzy(self):
        return "fuzzy" in self.flags

    @property
    def is_translated(self):
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def label(self):
        return f"{self.context} | {self.msgid}" if self.context else self.msgid


def _unquote(text):
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def read_catalogue(path):
    """(header, [Entry]) of a .po file: obsolete entries (``#~``) are left out, the header is its own."""
    entries, entry, field = [], Entry(), None

    def close():
        nonlocal entry, field
        if entry.msgstr or entry.msgid or entry.context is not None:
            entries.append(entry)
        entry, field = Entry(), None

    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#,"):
            if entry.msgstr:
                close()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if entry.msgstr and not line.startswith("#~"):
                close()
        elif line.startswith('"'):
            if field is None:
                continue
            kind, index = field
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                close()
            if not entry.line:
                entry.line = number
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword == "msgctxt":
                entry.context, field = _unquote(value), ("context", None)
            elif keyword in ("msgid", "msgid_plural"):
                setattr(entry, keyword, _unquote(value))
                field = (keyword, None)
            elif keyword == "msgstr" or match:
                index = int(match.group(1)) if match else 0
                entry.msgstr[index] = _unquote(value)
                field = ("msgstr", index)
    close()
    header = next((e for e in entries if e.msgid == "" and e.context is None), None)
    return header, [e for e in entries if e is not header]


def plural_count(header):
    """nplurals of a catalogue's Plural-Forms header (2 if it says nothing)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, "") if header else "")
    return int(match.group(1)) if match else 2


def gaps(path):
    """The messages of a .po file that a reader would see in English: untranslated, fuzzy, or with a plural form
    missing."""
    header, entries = read_catalogue(path)
    forms = plural_count(header)
    found = []
    for entry in entries:
        wanted = range(forms) if entry.msgid_plural is not None else range(1)
        if entry.is_fuzzy or not all(entry.msgstr.get(index) for index in wanted):
            found.append(entry)
    return found


def catalogues(base_dir):
    """{language: [path of each .po file]} of the project: each app's ``locale/`` and the top-level one."""
    base_dir = Path(base_dir)
    found = {}
    for path in sorted(base_dir.glob("*/locale/*/LC_MESSAGES/django.po")) + sorted(
        base_dir.glob("locale/*/LC_MESSAGES/django.po")
    ):
        if ".venv" in path.parts:
            continue
        found.setdefault(path.parent.parent.name, []).append(path)
    return found


def complete_languages(base_dir, languages):
    """Those of ``languages`` that every catalogue directory of the project translates in full: each directory that
    has a catalogue for some language has one for it, and nothing in it is untranslated or fuzzy."""
    found = catalogues(base_dir)
    directories = {path.parent.parent.parent for paths in found.values() for path in paths}
    complete = set()
    for language in languages:
        paths = found.get(language, [])
        if {path.parent.parent.parent for path in paths} == directories and not any(gaps(path) for path in paths):
            complete.add(language)
    return complete
