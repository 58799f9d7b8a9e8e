"""Parse QuickTakes ``date`` values and render them with moment.js-style formats.

The front matter of a QuickTakes page carries a ``date`` and a ``date_format``
written in moment.js / Day.js syntax (``MMM DD, YYYY``).  This module turns
the two into text for a site locale, with month, weekday and day-period names
taken from the Unicode CLDR data that ships with Babel.  It is deliberately
free of MkDocs imports so that it can be tested and benchmarked on its own.

Choices worth knowing:

* Numbers are always ASCII digits, as moment.js prints them.
* ``MMM``/``MMMM``/``ddd``/``dddd`` use CLDR *format* context names (the ones
  used inside a date, e.g. Russian genitive "января"); ``dd`` uses CLDR
  *short* weekday names.
* Naive datetimes and plain dates are treated as UTC for ``Z``; aware
  datetimes are shown in their own offset, never converted.
* ``Do`` picks a suffix from the CLDR ordinal plural category of the day
  through a small per-language table (see ``_ORDINAL_SUFFIXES``); languages
  without an entry get the bare number, which is never wrong, only plainer.
"""

from __future__ import annotations

import datetime
import functools
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_day_names, get_era_names, get_month_names, get_period_names

__all__ = [
    "DateFormatError",
    "DateValue",
    "format_date",
    "iso_datetime",
    "parse_date",
    "resolve_locale",
    "unknown_tokens",
]

DateValue = datetime.date | datetime.datetime

_UTC_ZERO = datetime.timedelta(0)
_EPOCH = datetime.datetime(1970, 1, 1)

# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

# An explicit grammar instead of datetime.fromisoformat: its accepted syntax
# differs between Python 3.10 (no "Z", fixed fraction widths) and 3.11+ (week
# dates, basic format), and a site must not build on one and fail on another.
_ISO_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII | re.IGNORECASE,
)


def parse_date(value: object) -> DateValue:
    """Turn a front-matter ``date`` into a date or datetime.

    Args:
        value: A ``datetime.date``/``datetime.datetime`` (YAML already parsed
            it) or an ISO 8601 string such as ``2025-01-28``,
            ``2025-01-28T10:30:00``, ``2025-01-28T10:30:00Z`` or
            ``2025-01-28 10:30:00+02:00``.

    Returns:
        A ``datetime.date`` for a date-only string, a ``datetime.datetime``
        (aware when the string has an offset) otherwise; date and datetime
        inputs are returned unchanged.

    Raises:
        ValueError: If the value is neither a date nor an ISO 8601 string, or
            names an impossible date or time.
    """
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_parse_message(value))
    match = _ISO_RE.fullmatch(value.strip())
    if match is None:
        raise ValueError(_parse_message(value))
    try:
        return _build(match)
    except ValueError as exc:  # e.g. 2025-02-30: keep the reason
        raise ValueError(f"{_parse_message(value)} ({exc})") from exc


def _parse_message(value: object) -> str:
    return f"expected a date like 2025-01-28, found {value!r}"


def _build(match: re.Match[str]) -> DateValue:
    year, month, day = (int(match[name]) for name in ("year", "month", "day"))
    if match["hour"] is None:
        return datetime.date(year, month, day)
    # Right-pad so ".5" means half a second, as ISO 8601 intends.
    micro = int((match["fraction"] or "").ljust(6, "0"))
    return datetime.datetime(
        year,
        month,
        day,
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        micro,
        tzinfo=_parse_offset(match["offset"]),
    )


def _parse_offset(text: str | None) -> datetime.tzinfo | None:
    if text is None:
        return None
    if text in ("Z", "z"):
        return datetime.timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes >= 60:
        raise ValueError(f"offset minutes must be below 60, found {text}")
    delta = datetime.timedelta(hours=hours, minutes=minutes)
    # timezone() itself rejects offsets of 24 hours or more.
    return datetime.timezone(-delta if text[0] == "-" else delta)


def iso_datetime(value: DateValue) -> str:
    """Render a value for ``<time datetime>`` and JSON-LD.

    Args:
        value: A date or datetime.

    Returns:
        ``2025-01-28`` for a date; ``2025-01-28T10:30:00`` for a naive
        datetime and ``2025-01-28T10:30:00+02:00`` for an aware one.
    """
    # Both types already produce ISO 8601; a naive datetime gets no invented
    # offset because machine readers treat "no offset" as "unknown zone".
    return value.isoformat()


def sitemap_date(value: DateValue) -> str | None:
    """The date for a page's ``update_date`` (the sitemap's ``lastmod``), if MkDocs can take it.

    MkDocs stamps its compressed sitemap with the newest such date as a 32-bit Unix time, which
    holds the years 1970 to 2105 only; outside them the page keeps the build date.
    """
    if not 1970 <= value.year <= 2105:
        return None
    return iso_datetime(value)[:10]


# ---------------------------------------------------------------------------
# Locales
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def resolve_locale(name: str | None) -> Locale:
    """Find the CLDR locale for a configured site language.

    Args:
        name: A locale identifier such as ``en``, ``de``, ``pt_BR``,
            ``pt-BR`` or ``zh-Hant`` (case-insensitive); ``None`` means
            English.

    Returns:
        The Babel locale.

    Raises:
        ValueError: If Babel has no CLDR data for the identifier.
    """
    if name is None:
        return Locale("en")
    try:
        return Locale.parse(name.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(
            f"unknown locale {name!r}: expected a CLDR locale identifier "
            "such as 'en', 'de', 'pt_BR', 'pt-BR' or 'zh-Hant'"
        ) from exc


# ---------------------------------------------------------------------------
# Names per locale
# ---------------------------------------------------------------------------

_DOT = {"other": "."}
_MASCULINE = {"other": "º"}
_ORDINAL_SUFFIXES: Mapping[str, Mapping[str, str]] = {
    # Keys are CLDR ordinal plural categories of the day number, so the rule
    # for 11th/12th/13th or 21:a/22:a comes from CLDR, only the text from us.
    "en": {"one": "st", "two": "nd", "few": "rd", "other": "th"},
    "fr": {"one": "er", "other": ""},  # "1er janvier", "2 janvier"
    "sv": {"one": ":a", "other": ":e"},  # "1:a", "3:e", "21:a"
    "ca": {"one": "r", "two": "n", "few": "t", "other": "è"},  # 1r 2n 3r 4t 5è
    # Languages that write a day ordinal with a trailing dot: "28. Januar".
    **dict.fromkeys(
        (
            "de",
            "gsw",
            "lb",
            "da",
            "nb",
            "nn",
            "no",
            "fo",
            "is",
            "fi",
            "et",
            "lv",
            "cs",
            "sk",
            "pl",
            "hu",
            "sl",
            "hr",
            "sr",
            "bs",
        ),
        _DOT,
    ),
    # Romance languages with the masculine ordinal indicator: "1º".
    **dict.fromkeys(("es", "pt", "it", "gl"), _MASCULINE),
    # CJK write the day counter after the number.
    "ja": {"other": "日"},
    "zh": {"other": "日"},
    "yue": {"other": "日"},
    "ko": {"other": "일"},
}


@dataclass(frozen=True)
class _Names:
    """Locale text needed by the renderers, precomputed once per locale."""

    months_abbr: tuple[str, ...]  # index 0 is January
    months_wide: tuple[str, ...]
    days_short: tuple[str, ...]  # index 0 is Sunday, as moment's "d"
    days_abbr: tuple[str, ...]
    days_wide: tuple[str, ...]
    ordinals: tuple[str, ...]  # index 0 is 1: days, weeks and days of the year
    am: str
    pm: str
    eras: tuple[str, str, str]  # the common era: abbreviated (AD), wide, narrow
    first_week_day: int  # 0 is Monday, as in Python; the locale's weeks start on it
    min_week_days: int  # days of the new year the locale's first week of a year has at least
    locale: Locale


# Names come from Babel's public API.  Babel memoises resolved CLDR aliases
# into data shared between locales, so after many locales in one process a
# locale may get another's names (python-babel/babel#1234).  A site builds
# with one locale, which the bug leaves alone, so no workaround is kept here.
@functools.lru_cache(maxsize=64)
def _names(locale: Locale) -> _Names:
    am, pm = _am_pm(locale)
    return _Names(
        months_abbr=_month_names(locale, "abbreviated"),
        months_wide=_month_names(locale, "wide"),
        days_short=_day_names(locale, "short"),
        days_abbr=_day_names(locale, "abbreviated"),
        days_wide=_day_names(locale, "wide"),
        ordinals=_ordinals(locale),
        am=am,
        pm=pm,
        eras=tuple(
            str(get_era_names(width, locale)[1]) for width in ("abbreviated", "wide", "narrow")
        ),  # type: ignore[arg-type]
        first_week_day=_week_locale(locale).first_week_day,
        min_week_days=_week_locale(locale).min_week_days,
        locale=locale,
    )


def _week_locale(locale: Locale) -> Locale:
    """The locale whose territory says when weeks start: ``en`` means ``en_US``, as in CLDR.

    Week data belongs to territories; a language alone would get the world's (Monday, and a week
    with one day of the year counts as week 1).
    """
    if locale.territory:
        return locale
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = likely.rpartition("_")[2]
    try:
        return Locale(locale.language, territory) if territory else locale
    except (UnknownLocaleError, ValueError):  # `no_NO`: CLDR names Norwegian `nb`
        return locale


def _month_names(locale: Locale, width: Literal["abbreviated", "wide"]) -> tuple[str, ...]:
    names = get_month_names(width, "format", locale)
    return tuple(str(names[month]) for month in range(1, 13))


def _day_names(locale: Locale, width: Literal["short", "abbreviated", "wide"]) -> tuple[str, ...]:
    names = get_day_names(width, "format", locale)
    # CLDR numbers weekdays Monday=0; moment starts on Sunday.
    return tuple(str(names[(day + 6) % 7]) for day in range(7))


_ROOT = Locale("root")  # CLDR's base locale, what every locale inherits from
_PeriodWidth = Literal["abbreviated", "wide"]
_PERIOD_WIDTHS: tuple[_PeriodWidth, ...] = ("abbreviated", "wide")  # in order of preference


def _am_pm(locale: Locale) -> tuple[str, str]:
    # A width the locale leaves empty inherits root's "AM"/"PM", so a locale
    # that spells its periods only in another width (Korean "오후" is wide)
    # would print English; take the first width with the locale's own words.
    inherited = _am_pm_in_width(_ROOT, "abbreviated")
    for width in _PERIOD_WIDTHS:
        am, pm = _am_pm_in_width(locale, width)
        if am and pm and (am, pm) != inherited:
            return am, pm
    return inherited


def _am_pm_in_width(locale: Locale, width: _PeriodWidth) -> tuple[str, str]:
    names = get_period_names(width, "format", locale)
    return str(names.get("am", "")), str(names.get("pm", ""))


def _ordinals(locale: Locale) -> tuple[str, ...]:
    suffixes = _ORDINAL_SUFFIXES.get(locale.language, {"other": ""})
    rule = locale.ordinal_form
    return tuple(f"{day}{suffixes.get(rule(day), suffixes['other'])}" for day in range(1, 367))


def _nth(number: int, names: _Names) -> str:
    """``number`` as an ordinal (``3rd``): precomputed up to 366, the days of a year."""
    if 1 <= number <= len(names.ordinals):
        return names.ordinals[number - 1]
    suffix = names.ordinals[9][len("10") :]  # a year (era year 2025): the suffix of "10th"
    return f"{number}{suffix}"


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

_Renderer = Callable[[datetime.datetime, _Names], str]


def _weekday(moment: datetime.datetime) -> int:
    return moment.isoweekday() % 7  # moment.js: Sunday=0 .. Saturday=6


def _hour12(moment: datetime.datetime) -> int:
    return moment.hour % 12 or 12


def _offset(moment: datetime.datetime) -> str:
    delta = moment.utcoffset() or _UTC_ZERO
    sign = "-" if delta < _UTC_ZERO else "+"
    minutes, seconds = divmod(int(abs(delta).total_seconds()), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def _period(moment: datetime.datetime, names: _Names) -> str:
    return names.am if moment.hour < 12 else names.pm


def _day_of_year(moment: datetime.datetime) -> int:
    return moment.timetuple().tm_yday


def _locale_weekday(moment: datetime.datetime, names: _Names) -> int:
    """moment.js ``e``: the day of the week counted from the locale's first day (0)."""
    return (moment.weekday() - names.first_week_day) % 7


def _locale_week(moment: datetime.datetime, names: _Names) -> tuple[int, int]:
    """moment.js ``w`` and ``gggg``: the week of the year by the locale's rules, and its year.

    Week 1 is the first week (from the locale's first day) with at least ``min_week_days``
    days in January; the days before it belong to the last week of the year before.
    """
    day = moment.date()
    for year in (day.year + 1, day.year, day.year - 1):
        start = _first_week_start(year, names)
        if start is not None and start <= day:
            return (day - start).days // 7 + 1, year
    return 1, day.year  # 1 January of year 1, before the first locale week Python can hold


def _first_week_start(year: int, names: _Names) -> datetime.date | None:
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    first = datetime.date(year, 1, 1)
    before = (first.weekday() - names.first_week_day) % 7
    days_in_year = 7 - before
    try:
        start = first - datetime.timedelta(days=before)
    except OverflowError:
        return None
    return start if days_in_year >= names.min_week_days else start + datetime.timedelta(days=7)


def _offset_compact(moment: datetime.datetime) -> str:
    return _offset(moment).replace(":", "")


def _zone_name(moment: datetime.datetime) -> str:
    """moment.js ``z``: a zone's name is not in the data, so UTC, or the offset itself."""
    delta = moment.utcoffset()
    return "UTC" if not delta else _offset(moment)


def _unix_seconds(moment: datetime.datetime) -> float:
    """Seconds since 1970 UTC; exact at years 1 and 9999, where ``timestamp()`` overflows."""
    since = moment.replace(tzinfo=None) - _EPOCH  # a timedelta holds what a datetime cannot
    return (since - (moment.utcoffset() or _UTC_ZERO)).total_seconds()


def _fraction(digits: int) -> _Renderer:
    return lambda t, n: f"{t.microsecond:06d}000"[:digits]


def _localized_date(width: Literal["short", "medium", "long", "full"]) -> _Renderer:
    return lambda t, n: babel_format_date(t, width, locale=n.locale)


def _localized_time(width: Literal["short", "medium"]) -> _Renderer:
    return lambda t, n: babel_format_time(t.replace(tzinfo=None), width, locale=n.locale)


def _numeric_date(padded: bool) -> _Renderer:
    """moment.js ``L`` (``01/28/2025``) and ``l`` (``1/28/2025``): the locale's short date."""

    def render(t: datetime.datetime, n: _Names) -> str:
        pattern = n.locale.date_formats["short"].pattern
        pattern = re.sub(r"y+", "yyyy", pattern)
        if padded:
            pattern = re.sub(r"(?<!M)M{1,2}(?!M)", "MM", pattern)
            pattern = re.sub(r"(?<!d)d{1,2}(?!d)", "dd", pattern)
        return babel_format_date(t, pattern, locale=n.locale)

    return render


def _joined(*parts: _Renderer, separator: str = " ") -> _Renderer:
    return lambda t, n: separator.join(part(t, n) for part in parts)


_RENDERERS: dict[str, _Renderer] = {
    "YYYY": lambda t, n: f"{t.year:04d}",
    "YY": lambda t, n: f"{t.year % 100:02d}",
    "Y": lambda t, n: str(t.year),
    "YYYYY": lambda t, n: f"{t.year:05d}",
    "YYYYYY": lambda t, n: f"+{t.year:06d}",
    "y": lambda t, n: str(t.year),
    "yo": lambda t, n: _nth(t.year, n),
    "N": lambda t, n: n.eras[0],
    "NN": lambda t, n: n.eras[0],
    "NNN": lambda t, n: n.eras[0],
    "NNNN": lambda t, n: n.eras[1],
    "NNNNN": lambda t, n: n.eras[2],
    "Q": lambda t, n: str((t.month - 1) // 3 + 1),
    "Qo": lambda t, n: _nth((t.month - 1) // 3 + 1, n),
    "M": lambda t, n: str(t.month),
    "Mo": lambda t, n: _nth(t.month, n),
    "MM": lambda t, n: f"{t.month:02d}",
    "MMM": lambda t, n: n.months_abbr[t.month - 1],
    "MMMM": lambda t, n: n.months_wide[t.month - 1],
    "D": lambda t, n: str(t.day),
    "DD": lambda t, n: f"{t.day:02d}",
    "Do": lambda t, n: n.ordinals[t.day - 1],
    "DDD": lambda t, n: str(_day_of_year(t)),
    "DDDD": lambda t, n: f"{_day_of_year(t):03d}",
    "DDDo": lambda t, n: _nth(_day_of_year(t), n),
    "d": lambda t, n: str(_weekday(t)),
    "do": lambda t, n: _nth(_weekday(t), n),
    "e": lambda t, n: str(_locale_weekday(t, n)),
    "E": lambda t, n: str(t.isoweekday()),
    "w": lambda t, n: str(_locale_week(t, n)[0]),
    "wo": lambda t, n: _nth(_locale_week(t, n)[0], n),
    "ww": lambda t, n: f"{_locale_week(t, n)[0]:02d}",
    "W": lambda t, n: str(t.isocalendar()[1]),
    "Wo": lambda t, n: _nth(t.isocalendar()[1], n),
    "WW": lambda t, n: f"{t.isocalendar()[1]:02d}",
    "gg": lambda t, n: f"{_locale_week(t, n)[1] % 100:02d}",
    "gggg": lambda t, n: f"{_locale_week(t, n)[1]:04d}",
    "ggggg": lambda t, n: f"{_locale_week(t, n)[1]:05d}",
    "GG": lambda t, n: f"{t.isocalendar()[0] % 100:02d}",
    "GGGG": lambda t, n: f"{t.isocalendar()[0]:04d}",
    "GGGGG": lambda t, n: f"{t.isocalendar()[0]:05d}",
    "dd": lambda t, n: n.days_short[_weekday(t)],
    "ddd": lambda t, n: n.days_abbr[_weekday(t)],
    "dddd": lambda t, n: n.days_wide[_weekday(t)],
    "H": lambda t, n: str(t.hour),
    "HH": lambda t, n: f"{t.hour:02d}",
    "h": lambda t, n: str(_hour12(t)),
    "hh": lambda t, n: f"{_hour12(t):02d}",
    "k": lambda t, n: str(t.hour or 24),
    "kk": lambda t, n: f"{t.hour or 24:02d}",
    "m": lambda t, n: str(t.minute),
    "mm": lambda t, n: f"{t.minute:02d}",
    "s": lambda t, n: str(t.second),
    "ss": lambda t, n: f"{t.second:02d}",
    "A": _period,
    # CLDR has no lowercase day period; lowering is a no-op for caseless scripts.
    "a": lambda t, n: _period(t, n).lower(),
    "Z": lambda t, n: _offset(t),
    "ZZ": lambda t, n: _offset_compact(t),
    "z": lambda t, n: _zone_name(t),
    "zz": lambda t, n: _zone_name(t),
    "X": lambda t, n: str(int(_unix_seconds(t))),
    "x": lambda t, n: str(int(_unix_seconds(t) * 1000)),
    **{"S" * digits: _fraction(digits) for digits in range(1, 10)},
    "LT": _localized_time("short"),
    "LTS": _localized_time("medium"),
    "L": _numeric_date(padded=True),
    "l": _numeric_date(padded=False),
    "LL": _localized_date("long"),
    "ll": _localized_date("medium"),
}
_RENDERERS["LLL"] = _joined(_RENDERERS["LL"], _RENDERERS["LT"])
_RENDERERS["lll"] = _joined(_RENDERERS["ll"], _RENDERERS["LT"])
_RENDERERS["LLLL"] = _joined(_localized_date("full"), _RENDERERS["LT"])
_RENDERERS["llll"] = _joined(
    _RENDERERS["ddd"], _joined(_RENDERERS["ll"], _RENDERERS["LT"]), separator=", "
)

_Piece = str | _Renderer


class DateFormatError(ValueError):
    """A ``date_format`` contains a token this module cannot render.

    Attributes:
        token: The unknown token, e.g. ``Q`` or ``gggg``.
        fmt: The whole format string.
    """

    def __init__(self, token: str, fmt: str) -> None:
        self.token = token
        self.fmt = fmt
        super().__init__(
            f"unknown date format token {token!r} in {fmt!r}; supported tokens are "
            f"{' '.join(_RENDERERS)}; put other text in [brackets]"
        )


@dataclass(frozen=True)
class _Compiled:
    pieces: tuple[_Piece, ...]
    unknown: tuple[str, ...]


@functools.lru_cache(maxsize=256)
def _compile(fmt: str) -> _Compiled:
    pieces: list[_Piece] = []
    unknown: list[str] = []
    literal: list[str] = []
    index = 0
    while index < len(fmt):
        char = fmt[index]
        if char == "[" and (close := fmt.find("]", index + 1)) != -1:
            literal.append(fmt[index + 1 : close])
            index = close + 1
        elif char in string.ascii_letters:
            token, index = _read_token(fmt, index)
            if token in _RENDERERS:
                pieces.extend(_flush(literal))
                pieces.append(_RENDERERS[token])
            elif token not in unknown:
                unknown.append(token)
        else:  # non-letters, non-ASCII letters and a lone "[" are literal
            literal.append(char)
            index += 1
    pieces.extend(_flush(literal))
    return _Compiled(tuple(pieces), tuple(unknown))


def _read_token(fmt: str, start: int) -> tuple[str, int]:
    # A token is a whole run of one letter: "DDDD" (moment's day of year) is
    # reported as unknown rather than silently split into "DD" + "DD".
    end = start
    while end < len(fmt) and fmt[end] == fmt[start]:
        end += 1
    token = fmt[start:end]
    if fmt.startswith("o", end) and token + "o" in _RENDERERS:
        end += 1  # an ordinal: "Do", "Mo", "Wo", "DDDo"
    elif token == "L" and fmt.startswith("T", end):
        end += 2 if fmt.startswith("TS", end) else 1  # "LT", "LTS": times
    return fmt[start:end], end


def _flush(literal: list[str]) -> list[str]:
    text = "".join(literal)
    literal.clear()
    return [text] if text else []


def unknown_tokens(fmt: str) -> list[str]:
    """List the tokens of a format that :func:`format_date` cannot render.

    Args:
        fmt: A moment.js-style format such as ``MMM DD, YYYY``.

    Returns:
        Each unknown token once, in order of first appearance; empty when the
        format is fine.
    """
    return list(_compile(fmt).unknown)


def format_date(value: DateValue, fmt: str, locale: Locale) -> str:
    """Render a date with a moment.js-style format in a CLDR locale.

    Args:
        value: The date or datetime; a plain date has time 00:00:00 and, like
            a naive datetime, offset ``+00:00``.
        fmt: Every moment.js token (``YYYY MMM DD Do dddd W WW HH mm A Z LL``
            and the rest); ``[text]`` is copied without the brackets and
            any character that is not an ASCII letter is copied as is.
        locale: The locale for names, e.g. from :func:`resolve_locale`.

    Returns:
        The formatted text.

    Raises:
        DateFormatError: If ``fmt`` contains another ASCII letter run.
    """
    compiled = _compile(fmt)
    if compiled.unknown:
        raise DateFormatError(compiled.unknown[0], fmt)
    names = _names(locale)
    moment = _as_datetime(value)
    return "".join(
        piece if isinstance(piece, str) else piece(moment, names) for piece in compiled.pieces
    )


def _as_datetime(value: DateValue) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime(value.year, value.month, value.day)
