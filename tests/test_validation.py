"""Phones, e-mails and national identifiers as people really type them."""

from __future__ import annotations

import pytest

from portal.core import validation
from portal.core.errors import PortalError


@pytest.mark.parametrize("typed", ["02 38 67 00 00", "0238670000", "02.38.67.00.00",
                                   "02-38-67-00-00", "+33 2 38 67 00 00", "+33 (0)2 38 67 00 00",
                                   "0033 2 38 67 00 00", " 02 38 67 00 00 "])
def test_french_numbers_in_every_usual_shape(typed):
    stored = validation.phone(typed, "45")
    assert stored == "+33238670000"
    assert validation.phone_display(stored) == "02 38 67 00 00"


def test_mobile_and_overseas_numbers_use_the_department_region():
    assert validation.phone_display(validation.phone("06 12 34 56 78", "18")) == "06 12 34 56 78"
    guadeloupe = validation.phone("0590 12 34 56", "971")
    assert guadeloupe == "+590590123456"
    assert validation.phone_display(guadeloupe) == "0590 12 34 56"
    reunion = validation.phone("0262 12 34 56", "974")
    assert reunion.startswith("+262")


def test_foreign_numbers_show_internationally():
    assert validation.phone_display(validation.phone("+41 22 345 67 89")) == "+41 22 345 67 89"


@pytest.mark.parametrize("typed", ["02 38 67", "pas un numéro", "00 00 00 00 00", "123"])
def test_bad_numbers_are_refused_on_their_field(typed):
    with pytest.raises(PortalError, match="Numéro de téléphone invalide") as error:
        validation.phone(typed, "45", field="phone")
    assert error.value.field == "phone"


def test_empty_values_are_none_not_errors():
    assert validation.phone("  ") is None and validation.email("") is None
    assert validation.rpps(None) == (None, None)


def test_emails_are_checked_offline_and_normalised():
    assert validation.email(" Marie.Martin@Example.ORG ") == "Marie.Martin@example.org"
    assert validation.email("dr.martin@medecin.mssante.fr") == "dr.martin@medecin.mssante.fr"
    with pytest.raises(PortalError, match="e-mail invalide") as error:
        validation.email("marie@", field="mssante")
    assert error.value.field == "mssante"


def with_key(body: str) -> str:
    return next(body + d for d in "0123456789" if validation.luhn_ok(body + d))


def test_rpps_format_is_an_error_but_a_failed_key_only_a_warning():
    good = with_key("1000345678")
    assert validation.rpps(good) == (good, None)
    assert validation.rpps(good[:4] + " " + good[4:]) == (good, None)
    bad_key = good[:-1] + str((int(good[-1]) + 1) % 10)
    number, warning = validation.rpps(bad_key)
    assert number == bad_key and "clé de contrôle" in warning
    for wrong in ("2000345678", "100034567", "1000345678X"):
        with pytest.raises(PortalError, match="RPPS mal formé"):
            validation.rpps(wrong)


def test_adeli_and_finess_accept_corsican_letters():
    assert validation.finess("2A0000012")[0] == "2A0000012"
    number, warning = validation.finess("450000088")
    assert number == "450000088" and warning is None
    assert validation.adeli("2B9123456")[0] == "2B9123456"
    with pytest.raises(PortalError, match="ADELI mal formé"):
        validation.adeli("12345")
    with pytest.raises(PortalError, match="FINESS mal formé"):
        validation.finess("45000008")


def test_siret_has_fourteen_digits_and_a_luhn_key():
    assert validation.siret("732 829 320 00074") == ("73282932000074", None)
    with pytest.raises(PortalError, match="SIRET mal formé"):
        validation.siret("7328293200007")
