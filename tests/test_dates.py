"""Tests for mkdocs_quicktakes.records.dates.

Every expected string below is written by hand from moment.js semantics and
CLDR data as published, never captured from the code under test.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest
from babel import Locale
from babel.localedata import locale_identifiers

from mkdocs_quicktakes.records.dates import (
    DateFormatError,
    format_date,
    iso_datetime,
    parse_date,
    resolve_locale,
    unknown_tokens,
)

EN = Locale("en")
SEED = datetime.date(2025, 1, 28)  # a Tuesday
EVERY_TOKEN = "YYYY YY M MM MMM MMMM D DD Do d dd ddd dddd H HH h hh m mm s ss A a Z"
MINUS_0330 = datetime.timezone(-datetime.timedelta(hours=3, minutes=30))
# Sunday 2 March 2025, 14:07:09 at -03:30: every field differs from its padding.
SUNDAY_AFTERNOON = datetime.datetime(2025, 3, 2, 14, 7, 9, tzinfo=MINUS_0330)


def month_names(fmt: str, locale: str) -> list[str]:
    return [
        format_date(datetime.date(2025, m, 1), fmt, resolve_locale(locale)) for m in range(1, 13)
    ]


# --- the seed and the tokens -------------------------------------------------


def test_seed_format_renders_english_abbreviated_month() -> None:
    assert format_date(SEED, "MMM DD, YYYY", EN) == "Jan 28, 2025"


def test_seed_sentence_keeps_bracketed_words() -> None:
    assert format_date(SEED, "[Posted on] MMM DD, YYYY", EN) == "Posted on Jan 28, 2025"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("YYYY", "2025"),
        ("YY", "25"),
        ("M", "3"),
        ("MM", "03"),
        ("MMM", "Mar"),
        ("MMMM", "March"),
        ("D", "2"),
        ("DD", "02"),
        ("Do", "2nd"),
        ("d", "0"),
        ("dd", "Su"),
        ("ddd", "Sun"),
        ("dddd", "Sunday"),
        ("H", "14"),
        ("HH", "14"),
        ("h", "2"),
        ("hh", "02"),
        ("m", "7"),
        ("mm", "07"),
        ("s", "9"),
        ("ss", "09"),
        ("A", "PM"),
        ("a", "pm"),
        ("Z", "-03:30"),
    ],
)
def test_each_token_renders_like_moment(token: str, expected: str) -> None:
    assert format_date(SUNDAY_AFTERNOON, token, EN) == expected


def test_every_token_together_in_english() -> None:
    assert format_date(SUNDAY_AFTERNOON, EVERY_TOKEN, EN) == (
        "2025 25 3 03 Mar March 2 02 2nd 0 Su Sun Sunday 14 14 2 02 7 07 9 09 PM pm -03:30"
    )


def test_weekday_number_counts_from_sunday() -> None:
    week = [datetime.date(2025, 1, 26) + datetime.timedelta(days=n) for n in range(7)]
    assert [format_date(day, "d ddd", EN) for day in week] == [
        "0 Sun",
        "1 Mon",
        "2 Tue",
        "3 Wed",
        "4 Thu",
        "5 Fri",
        "6 Sat",
    ]


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(0, "12 AM 12"), (1, "1 AM 01"), (11, "11 AM 11"), (12, "12 PM 12"), (23, "11 PM 11")],
)
def test_twelve_hour_clock_uses_twelve_for_midnight_and_noon(hour: int, expected: str) -> None:
    assert format_date(datetime.datetime(2025, 1, 28, hour), "h A hh", EN) == expected


def test_plain_date_has_midnight_time_and_utc_offset() -> None:
    assert format_date(SEED, "HH:mm:ss h a Z", EN) == "00:00:00 12 am +00:00"


def test_naive_datetime_is_treated_as_utc() -> None:
    assert format_date(datetime.datetime(2025, 1, 28, 10, 30), "HH:mm Z", EN) == "10:30 +00:00"


def test_aware_datetime_keeps_its_own_offset() -> None:
    tz = datetime.timezone(datetime.timedelta(hours=5, minutes=45))
    value = datetime.datetime(2025, 1, 28, 23, 59, tzinfo=tz)
    assert format_date(value, "YYYY-MM-DD HH:mm Z", EN) == "2025-01-28 23:59 +05:45"


def test_offset_with_seconds_is_not_rounded_away() -> None:
    tz = datetime.timezone(datetime.timedelta(hours=-1, seconds=-30))
    assert format_date(datetime.datetime(2025, 1, 28, tzinfo=tz), "Z", EN) == "-01:00:30"


def test_small_years_are_zero_padded() -> None:
    assert format_date(datetime.date(987, 6, 5), "YYYY YY", EN) == "0987 87"


# --- literals ----------------------------------------------------------------


def test_bracketed_text_is_copied_without_brackets() -> None:
    assert format_date(SEED, "[YYYY is] YYYY[, Q][]", EN) == "YYYY is 2025, Q"


def test_non_letters_and_non_ascii_letters_are_literal() -> None:
    assert (
        format_date(SEED, "DD/MM/YYYY · YYYY年M月D日 (é)", EN) == "28/01/2025 · 2025年1月28日 (é)"
    )


def test_unclosed_bracket_is_a_literal_bracket() -> None:
    assert format_date(SEED, "YYYY [", EN) == "2025 ["


def test_t_inside_brackets_is_literal() -> None:
    assert format_date(SEED, "YYYY-MM-DD[T]00", EN) == "2025-01-28T00"


# --- unknown tokens ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "token"),
    [
        ("q YYYY", "q"),
        ("YYYY-MM-DDTHH:mm", "T"),
        ("ggg", "ggg"),
        ("XX", "XX"),
        ("EE", "EE"),
        ("DDDDD", "DDDDD"),
        ("MMMMM", "MMMMM"),
        ("Posted on MMM", "P"),
    ],
)
def test_unknown_token_raises_and_names_the_token(fmt: str, token: str) -> None:
    with pytest.raises(DateFormatError, match=re.escape(repr(token))) as caught:
        format_date(SEED, fmt, EN)
    assert caught.value.token == token
    assert isinstance(caught.value, ValueError)


def test_unknown_tokens_lists_each_once_in_order() -> None:
    assert unknown_tokens("q [q] ggg YYYY XX q") == ["q", "ggg", "XX"]


def test_unknown_tokens_is_empty_for_a_good_format() -> None:
    assert unknown_tokens("[Posted on] dddd, MMMM Do YYYY, h:mm a Z") == []


# --- locales -----------------------------------------------------------------


def test_german_month_names() -> None:
    assert month_names("MMMM", "de") == [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    assert month_names("MMM", "de") == [
        "Jan.",
        "Feb.",
        "März",
        "Apr.",
        "Mai",
        "Juni",
        "Juli",
        "Aug.",
        "Sept.",
        "Okt.",
        "Nov.",
        "Dez.",
    ]


def test_french_month_names() -> None:
    assert month_names("MMMM", "fr") == [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    assert month_names("MMM", "fr") == [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ]


def test_spanish_month_names() -> None:
    assert month_names("MMMM", "es") == [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    assert month_names("MMM", "es") == [
        "ene",
        "feb",
        "mar",
        "abr",
        "may",
        "jun",
        "jul",
        "ago",
        "sept",
        "oct",
        "nov",
        "dic",
    ]


@pytest.mark.parametrize(
    ("locale", "fmt", "expected"),
    [
        ("de", "dddd, Do MMMM YYYY", "Dienstag, 28. Januar 2025"),
        ("fr", "dddd D MMMM YYYY", "mardi 28 janvier 2025"),
        ("es", "dddd, D [de] MMMM [de] YYYY", "martes, 28 de enero de 2025"),
    ],
)
def test_long_dates_in_other_languages(locale: str, fmt: str, expected: str) -> None:
    assert format_date(SEED, fmt, resolve_locale(locale)) == expected


def test_abbreviated_weekdays_in_german_and_french() -> None:
    assert format_date(SEED, "ddd", resolve_locale("de")) == "Di."
    assert format_date(SEED, "ddd", resolve_locale("fr")) == "mar."


# --- ordinals ----------------------------------------------------------------


def test_english_ordinals_for_every_day_of_the_month() -> None:
    days = [format_date(datetime.date(2025, 1, day), "Do", EN) for day in range(1, 32)]
    assert days == [
        "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th",
        "11th", "12th", "13th", "14th", "15th", "16th", "17th", "18th", "19th", "20th",
        "21st", "22nd", "23rd", "24th", "25th", "26th", "27th", "28th", "29th", "30th",
        "31st",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "day", "expected"),
    [
        ("de", 1, "1."),
        ("de", 28, "28."),
        ("fr", 1, "1er"),
        ("fr", 2, "2"),
        ("fr", 21, "21"),
        ("es", 1, "1º"),
        ("pt_BR", 3, "3º"),
        ("sv", 1, "1:a"),
        ("sv", 3, "3:e"),
        ("sv", 12, "12:e"),
        ("sv", 22, "22:a"),
        ("ca", 1, "1r"),
        ("ca", 2, "2n"),
        ("ca", 3, "3r"),
        ("ca", 4, "4t"),
        ("ca", 5, "5è"),
        ("ja", 28, "28日"),
        ("ko", 28, "28일"),
        ("nl", 28, "28"),
    ],
)
def test_ordinal_day_follows_the_locale(locale: str, day: int, expected: str) -> None:
    assert format_date(datetime.date(2025, 1, day), "Do", resolve_locale(locale)) == expected


def test_lowercase_day_period_in_english() -> None:
    assert format_date(datetime.datetime(2025, 1, 28, 9), "A a", EN) == "AM am"


def test_korean_day_period_uses_korean_words() -> None:
    morning = datetime.datetime(2025, 1, 28, 9)
    evening = datetime.datetime(2025, 1, 28, 21)
    ko = resolve_locale("ko")
    assert (format_date(morning, "A", ko), format_date(evening, "A", ko)) == ("오전", "오후")


def test_every_locale_formats_every_token() -> None:
    started = time.perf_counter()
    value = datetime.datetime(2025, 1, 28, 14, 7, 9)
    fmt = EVERY_TOKEN.replace(" ", "|")
    numbers = {0: "2025", 1: "25", 2: "1", 3: "01", 6: "28", 7: "28", 9: "2", 23: "+00:00"}
    for identifier in sorted(locale_identifiers()):
        # Only shape is checked: with this many locales in one process Babel
        # may hand one locale another's names (python-babel/babel#1234).
        parts = format_date(value, fmt, resolve_locale(identifier)).split("|")
        assert len(parts) == 24, identifier
        assert all(parts), identifier  # no locale may leave a name blank
        # Numbers are ASCII digits in every locale, as in moment.js.
        assert {i: parts[i] for i in numbers} == numbers, identifier
        assert parts[13:21] == ["14", "14", "2", "02", "7", "07", "9", "09"], identifier
    assert time.perf_counter() - started < 10  # ~1 s here; a loose guard


# --- resolve_locale ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("en", Locale("en")),
        ("de", Locale("de")),
        ("pt_BR", Locale("pt", "BR")),
        ("pt-BR", Locale("pt", "BR")),
        ("zh-Hant", Locale("zh", script="Hant")),
        ("zh_hant", Locale("zh", script="Hant")),
        (" fr ", Locale("fr")),
        (None, Locale("en")),
    ],
)
def test_resolve_locale_accepts_common_spellings(name: str | None, expected: Locale) -> None:
    assert resolve_locale(name) == expected


def test_resolve_locale_returns_the_cached_locale() -> None:
    assert resolve_locale("de") is resolve_locale("de")


@pytest.mark.parametrize("name", ["xx", "", "not a locale", "en-"])
def test_resolve_locale_rejects_unknown_names(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"unknown locale {name!r}")):
        resolve_locale(name)


# --- parse_date and iso_datetime ---------------------------------------------


def test_date_passes_through() -> None:
    assert parse_date(SEED) is SEED


def test_datetime_passes_through() -> None:
    value = datetime.datetime(2025, 1, 28, 10, 30)
    assert parse_date(value) is value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-28", datetime.date(2025, 1, 28)),
        ("  2025-01-28\n", datetime.date(2025, 1, 28)),
        ("2025-01-28T10:30:00", datetime.datetime(2025, 1, 28, 10, 30)),
        ("2025-01-28T10:30", datetime.datetime(2025, 1, 28, 10, 30)),
        ("2025-01-28 10:30:00", datetime.datetime(2025, 1, 28, 10, 30)),
        (
            "2025-01-28T10:30:00Z",
            datetime.datetime(2025, 1, 28, 10, 30, tzinfo=datetime.timezone.utc),
        ),
        (
            "2025-01-28 10:30:00+02:00",
            datetime.datetime(
                2025, 1, 28, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
        (
            "2025-01-28T10:30:00-0530",
            datetime.datetime(
                2025,
                1,
                28,
                10,
                30,
                tzinfo=datetime.timezone(-datetime.timedelta(hours=5, minutes=30)),
            ),
        ),
        ("2025-01-28T10:30:00.5", datetime.datetime(2025, 1, 28, 10, 30, 0, 500000)),
    ],
)
def test_iso_strings_are_parsed(text: str, expected: datetime.date) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    assert type(parsed) is type(expected)
    if isinstance(expected, datetime.datetime):
        assert isinstance(parsed, datetime.datetime)
        assert parsed.utcoffset() == expected.utcoffset()


def test_date_only_string_gives_a_plain_date() -> None:
    assert type(parse_date("2025-01-28")) is datetime.date


@pytest.mark.parametrize(
    "value",
    ["28/01/2025", "", "yesterday", "2025-1-28", "2025-01-28+02:00", None, 20250128, True],
)
def test_unparseable_values_raise_with_a_clear_message(value: object) -> None:
    expected = f"expected a date like 2025-01-28, found {value!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        parse_date(value)


@pytest.mark.parametrize(
    "text", ["2025-02-30", "2025-13-01", "2025-01-28T24:00:00", "2025-01-28T10:30+01:75"]
)
def test_impossible_dates_raise_and_keep_the_reason(text: str) -> None:
    expected = f"expected a date like 2025-01-28, found {text!r} ("
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}"):
        parse_date(text)


def test_iso_datetime_of_a_date() -> None:
    assert iso_datetime(SEED) == "2025-01-28"


def test_iso_datetime_of_an_aware_datetime_has_its_offset() -> None:
    tz = datetime.timezone(datetime.timedelta(hours=2))
    assert iso_datetime(datetime.datetime(2025, 1, 28, 10, 30, tzinfo=tz)) == (
        "2025-01-28T10:30:00+02:00"
    )


def test_iso_datetime_of_utc_uses_a_numeric_offset() -> None:
    assert iso_datetime(parse_date("2025-01-28T10:30:00Z")) == "2025-01-28T10:30:00+00:00"


def test_iso_datetime_of_a_naive_datetime_invents_no_offset() -> None:
    assert iso_datetime(datetime.datetime(2025, 1, 28, 10, 30)) == "2025-01-28T10:30:00"
