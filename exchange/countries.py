"""A country typed as people type it ("Peru", "perú", "PE", "PER", "Brasil", "EE.UU.") as its ISO 3166-1 code.

Countries are stored as ISO codes (django-countries' ``CountryField``) and shown by name in the reader's language
from django-countries' own catalogue. Free text comes in from older data (the migration that turned the free-text
column into codes) and from imports; ``country_code`` reads it:

1. a few aliases people use that no catalogue has ("USA", "EE.UU.", "Holland", "Ivory Coast"...);
2. an alpha-2 or alpha-3 code;
3. a country's name in English, Spanish, Portuguese or French (the site's languages), including the short and
   former names django-countries knows ("Bolivia", "Swaziland");
4. its name in any other language of django-countries' catalogue;
5. the part of an official name before its bracket or comma ("Venezuela" for "Venezuela (Bolivarian Republic of)").

Case, accents, punctuation and a leading "the" do not matter. A spelling that two countries share at one level is
ambiguous there and left to the next; what nothing matches gives "" and the caller decides what to do with it.
"""

import gettext
import re
import unicodedata
from functools import cache
from pathlib import Path

import django_countries
from django.conf import settings
from django.utils import translation
from django_countries import countries
from django_countries.data import COUNTRIES

# Spellings people use that the catalogues do not have; keys are normalised with ``normalise``.
ALIASES = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "eeuu": "US",
    "ee uu": "US",
    "eua": "US",
    "estados unidos": "US",
    "etats unis": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "russia": "RU",
    "rusia": "RU",
    "russie": "RU",
    "vietnam": "VN",
    "viet nam": "VN",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "costa de marfil": "CI",
    "burma": "MM",
    "east timor": "TL",
    "cape verde": "CV",
    "cabo verde": "CV",
    "turkey": "TR",
    "turkiye": "TR",
    "turquia": "TR",
    "czech republic": "CZ",
    "czechia": "CZ",
    "syria": "SY",
    "siria": "SY",
    "iran": "IR",
    "laos": "LA",
    "palestine": "PS",
    "palestina": "PS",
    "vatican": "VA",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "south korea": "KR",
    "corea del sur": "KR",
    "north korea": "KP",
    "corea del norte": "KP",
    "dr congo": "CD",
    "drc": "CD",
    "congo kinshasa": "CD",
    "rd congo": "CD",
    "republica democratica del congo": "CD",
    "congo brazzaville": "CG",
    "republic of the congo": "CG",
    "bosnia": "BA",
    "trinidad": "TT",
    "st lucia": "LC",
    "saint lucia": "LC",
    "santa lucia": "LC",
    "st kitts and nevis": "KN",
    "st vincent and the grenadines": "VC",
    "swaziland": "SZ",
    "macedonia": "MK",
    "north macedonia": "MK",
    "dominican rep": "DO",
    "rep dominicana": "DO",
    "republica dominicana": "DO",
    "the gambia": "GM",
    "the bahamas": "BS",
}
SITE_LANGUAGES = ("en", "es", "pt", "fr")

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def normalise(text):
    """Lower case, no accents, no punctuation, single spaces, no leading "the": how spellings are compared."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("&", " and ").replace("’", "").replace("'", "")
    text = " ".join(_PUNCTUATION.sub(" ", text).split())
    return text.removeprefix("the ")


def _english_names():
    """Every English name django-countries has for each code: the ISO name, the short one, former ones."""
    with translation.override(None):  # msgids: the names as written in the source, in English
        names = {code: [str(name)] for code, name in COUNTRIES.items()}
        for code, name in countries.COMMON_NAMES.items():
            names.setdefault(code, []).append(str(name))
        for code, former in countries.OLD_NAMES.items():
            names.setdefault(code, []).extend(str(name) for name in former)
    return names


def _catalogues():
    """django-countries' message catalogues: the site's languages first, then every other it ships."""
    locale_dir = Path(django_countries.__file__).parent / "locale"
    shipped = sorted(path.name for path in locale_dir.iterdir() if (path / "LC_MESSAGES" / "django.mo").exists())
    site = [code for code in shipped if code.split("_")[0] in SITE_LANGUAGES]
    others = [code for code in shipped if code not in site]
    load = lambda code: gettext.translation("django", localedir=locale_dir, languages=[code])  # noqa: E731
    return [load(code) for code in site], [load(code) for code in others]


def _level(pairs):
    """``{normalised spelling: code}`` of ``(spelling, code)`` pairs, without the spellings two codes share."""
    found, ambiguous = {}, set()
    for spelling, code in pairs:
        key = normalise(spelling)
        if not key:
            continue
        if found.get(key, code) != code:
            ambiguous.add(key)
        found[key] = code
    return {key: code for key, code in found.items() if key not in ambiguous}


@cache
def _levels():
    english = _english_names()
    site, others = _catalogues()

    def named(catalogues):
        for code, names in english.items():
            for name in names:
                yield name, code
                for catalogue in catalogues:
                    yield catalogue.gettext(name), code

    def shortened(catalogues):
        for name, code in named(catalogues):
            base = re.split(r"[(,]", name, maxsplit=1)[0]
            if base != name:
                yield base, code

    codes = [(code, code) for code in english]
    codes += [(alt[0], code) for code, alt in countries.alt_codes.items() if alt[0] and code in english]
    return [
        {normalise(alias): code for alias, code in ALIASES.items()},
        _level(codes),
        _level(named(site)),
        _level(named(others)),
        _level(shortened(site + others)),
    ]


def country_code(text):
    """The ISO 3166-1 alpha-2 code of a country typed in any of the ways above, or "" if none matches."""
    key = normalise(text)
    if not key:
        return ""
    for level in _levels():
        if key in level:
            return level[key]
    return ""


def country_names(values, language=None):
    """The names of the distinct countries of ``values`` (codes or ``Country``; empty ones left out) in
    ``language`` (the active one by default), in alphabetical order."""
    codes = {str(value) for value in values if value}
    return sorted((country_name(code, language) for code in codes), key=str.casefold)


def country_name(code, language=None):
    """The country's name in ``language`` (the active one by default), from django-countries' catalogue."""
    if language is None:
        return countries.name(code)
    with translation.override(language or settings.LANGUAGE_CODE):
        return countries.name(code)
