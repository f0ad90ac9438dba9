"""How values read in French: dates dd/mm/yyyy in Europe/Paris, numbers "1 234,5"."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(moment: datetime | str | None) -> datetime | None:
    """A stored UTC moment (datetime or ISO text) as Paris local time; None when missing
    (None, "", or the NaN pandas puts in an empty cell)."""
    if not isinstance(moment, (str, datetime)) or moment == "":
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(PARIS)


def datetime_fr(moment: datetime | str | None) -> str:
    local = paris(moment)
    return local.strftime("%d/%m/%Y %H:%M") if local else ""


def date_fr(day: date | datetime | str | None) -> str:
    if not isinstance(day, (str, date)) or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return day.strftime("%d/%m/%Y")


def number_fr(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' with a narrow no-break space, as French typography wants;
    a whole number shows no decimals."""
    if value is None or math.isnan(value):  # nothing to show
        return ""
    if float(value).is_integer():
        decimals = 0
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def records(frame) -> list[dict]:
    """A DataFrame's rows as dicts with None for blanks. A frame holds a blank as NaN,
    which is truthy: `row["x"] or ""` would keep it and print "nan"."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def plural(count: int, singular: str, many: str | None = None) -> str:
    """'1 membre', '0 membre', '25 membres': French takes the singular up to one."""
    word = singular if abs(count) <= 1 else (many or singular + "s")
    return f"{number_fr(count)} {word}"


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def md_escape(text) -> str:
    """User text made inert for st.markdown: `**X**` and `[a](javascript:..)` show literally."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in str(text or ""))


def fold(text) -> str:
    """Lower case without accents: 'Lefèvre' and 'LEFEVRE' compare equal."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
