"""French formats, and the rule that a blank is None wherever it leaves a service."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import unescaped
from portal.core import formats, validation
from portal.core.db import Store
from portal.core.formats import md_escape

FORMATTERS = (formats.date_fr, formats.datetime_fr, formats.number_fr, formats.euros,
              validation.phone_display)


@pytest.mark.parametrize("formatter", FORMATTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("blank", [None, "", math.nan, pd.NaT], ids=repr)
def test_every_formatter_shows_a_blank_as_nothing(formatter, blank):
    assert formatter(blank) == ""


def test_amounts_read_in_euros_with_cents_or_rounded_to_the_euro():
    assert formats.euros(123450) == "1\u202f234,50 EUR"
    assert formats.euros(-2500) == "-25,00 EUR"
    assert formats.euros(18_000_049, whole=True) == "180\u202f000 EUR"
    assert formats.euros(0, whole=True) == "0 EUR"


def test_frames_from_the_store_hold_none_for_blanks_and_numbers_as_numbers(bare_store: Store):
    frame = bare_store.frame(
        "SELECT 'a' AS text, 1.5 AS real, 2 AS whole UNION ALL SELECT NULL, NULL, 3")
    assert frame["text"].tolist() == ["a", None]
    assert frame["real"].tolist() == [1.5, None]
    assert frame["whole"].sum() == 5 and frame["whole"].dtype == "int64"
    assert formats.records(pd.DataFrame({"x": [math.nan]})) == [{"x": None}]


def test_a_name_is_qualified_by_the_details_known():
    assert formats.qualified("Faure Camille", "Infirmier", None, "") == \
        "Faure Camille (Infirmier)"
    assert formats.qualified("Faure Camille", None, math.nan) == "Faure Camille"


@pytest.mark.parametrize("size, shown", [(0, "0 octet"), (850, "850 octets"),
                                         (3_500, "3,4 Ko"), (12_058_624, "11,5 Mo"),
                                         (None, "")])
def test_sizes_read_in_french(size, shown):
    assert formats.size_fr(size) == shown


def test_count_axes_show_whole_numbers():
    from portal.missions import charts

    assert charts.count_axis().to_dict() == {"format": "d", "tickMinStep": 1}


def test_md_escape_breaks_what_markdown_still_interprets_and_reads_the_same():
    text = "A -- B -> www.x.fr a@b.fr :material/home: &amp; ..."
    escaped = md_escape(text)
    for made in ("--", "->", "www.", "a@", ":material", "..."):
        assert made not in escaped
    assert "\\&amp;" in escaped  # an escaped & starts no entity
    assert unescaped(escaped) == text
    assert md_escape(None) == "" and md_escape("Marie Martin") == "Marie Martin"
