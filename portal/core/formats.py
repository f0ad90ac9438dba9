"""How values read in French: dates dd/mm/yyyy in Europe/Paris, numbers "1 234,5"."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pandas import NaT

PARIS = ZoneInfo("Europe/Paris")


def blank(value) -> bool:
    """Nothing to show: None, "", or the NaN / NaT a frame built by a page puts in an
    empty cell."""
    return (value is None or value is NaT or value == ""
            or (isinstance(value, float) and math.isnan(value)))


def paris(moment: datetime | str | None) -> datetime | None:
    """A stored UTC moment (datetime or ISO text) as Paris local time; None when blank."""
    if blank(moment):
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(PARIS)


def datetime_fr(moment: datetime | str | None) -> str:
    local = paris(moment)
    return local.strftime("%d/%m/%Y %H:%M") if local else ""


def date_fr(day: date | datetime | str | None) -> str:
    if blank(day):
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return day.strftime("%d/%m/%Y")


def number_fr(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' with a narrow no-break space, as French typography wants;
    a whole number shows no decimals."""
    if blank(value):
        return ""
    if float(value).is_integer():
        decimals = 0
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def euros(cents: int | None, whole: bool = False) -> str:
    """123450 (cents) -> '1 234,50 EUR': amounts are kept in integer cents. `whole`
    rounds to the euro, for a figure that must fit a narrow column: '1 235 EUR'."""
    if blank(cents):
        return ""
    text = f"{cents / 100:,.{0 if whole else 2}f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} EUR"


def percent_fr(value: float | None) -> str:
    """A percentage as the services give it (one decimal): '12,5 %', '50 %', '—'."""
    return "—" if blank(value) else f"{number_fr(value, 1)}\u00a0%"


def blanks_as_none(frame):
    """The frame with every blank cell None: the one rule for frames leaving a service.

    pandas reads a NULL as NaN (NaT for dates), which is truthy: `row["x"] or ""` keeps
    it, `len()` and `phonenumbers.parse()` raise on it, and it prints "nan". A column
    that holds a blank becomes an object column with None there; a column without
    blanks keeps its dtype, so whole numbers still add up as numbers."""
    for column in frame.columns[frame.isna().any()]:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def records(frame) -> list[dict]:
    """A DataFrame's rows as dicts with None for blanks (a frame a page built itself
    holds NaN again)."""
    return blanks_as_none(frame.copy()).to_dict("records")


def size_fr(size: int | None) -> str:
    """A file's size as French people write it: '850 octets', '3,4 Ko', '11,5 Mo'."""
    if blank(size):
        return ""
    if size < 1024:
        return plural(size, "octet")
    for unit, power in (("Ko", 1), ("Mo", 2), ("Go", 3)):
        if size < 1024 ** (power + 1) or unit == "Go":
            return f"{number_fr(round(size / 1024 ** power, 1), 1)} {unit}"
    return ""  # unreachable: the loop ends on Go


def qualified(name: str, *details) -> str:
    """'Faure Camille (Infirmier, Gien)': a name told apart from its namesakes by the
    details that are known, blanks left out; the bare name when none is."""
    known = ", ".join(str(d) for d in details if not blank(d))
    return f"{name} ({known})" if known else name


def plural(count: int, singular: str, many: str | None = None) -> str:
    """'1 membre', '0 membre', '25 membres': French takes the singular up to one."""
    word = singular if abs(count) <= 1 else (many or singular + "s")
    return f"{number_fr(count)} {word}"


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:&"
# What Streamlit's markdown still turns into something else once every special character
# is escaped: links from www. / http:// / e-mail addresses, dashes and arrows from -- and
# ->, an ellipsis from ..., icons and emoji from :word:. A word joiner (U+2060: invisible,
# never a line break) between the two characters breaks each pattern.
WORD_JOINER = "\u2060"
STILL_INTERPRETED = re.compile(r"(?<=[-<>=])(?=[-<>=])|(?<=\.)(?=\.)|(?<=www)(?=\.)|(?=@)"
                               r"|(?<=:)(?=\S)", re.IGNORECASE)


def md_escape(text) -> str:
    """User text shown literally where Streamlit reads markdown (titles, captions, labels):
    `**X**`, `[a](javascript:..)`, `www.x.fr`, `--`, `:material/home:` and `&amp;` alike."""
    text = STILL_INTERPRETED.sub(WORD_JOINER, str(text or ""))
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in text)


def fold(text) -> str:
    """Lower case without accents: 'Lefèvre' and 'LEFEVRE' compare equal."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
