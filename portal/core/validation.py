"""Checks on what people type: phone numbers, e-mails, national identifiers.

A wrong format is an error (PortalError, French, naming the field). A failed check key
is only a warning, returned to the caller: real RPPS and FINESS numbers exist that fail
their Luhn check, so refusing them would lock real professionals out.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .errors import PortalError
from .formats import blank

# Overseas départements have their own phone regions; everything else is FR.
PHONE_REGIONS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}
LETTERS = {"A": "1", "B": "2", "C": "3", "D": "4", "E": "5"}


def clean(value) -> str:
    return str(value or "").strip()


def phone_region(department: str | None) -> str:
    return PHONE_REGIONS.get((department or "")[:3], "FR")


def phone(value, department: str | None = None, field: str = "phone") -> str | None:
    """Parse a phone number typed in any usual way; return it in E.164 (+33238...)."""
    text = clean(value)
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, phone_region(department))
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise PortalError(f"Numéro de téléphone invalide : « {text} » (ex. : 02 38 67 00 00).",
                          field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str | None) -> str:
    """'+33238670000' -> '02 38 67 00 00' (national format for French numbers)."""
    if blank(e164):
        return ""
    number = phonenumbers.parse(e164, None)
    national = phonenumbers.region_code_for_number(number) in {"FR", *PHONE_REGIONS.values()}
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if national
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def email(value, field: str = "email") -> str | None:
    """Syntax only, offline (no DNS look-up); returns the normalised address."""
    text = clean(value)
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PortalError(f"Adresse e-mail invalide : « {text} » (ex. : nom@exemple.fr).",
                          field=field) from None


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _identifier(value, pattern: str, example: str, label: str, field: str,
                letters: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    text = re.sub(r"\s", "", clean(value)).upper()
    if not text:
        return None, None
    if not re.fullmatch(pattern, text):
        raise PortalError(f"{label} mal formé : « {text} » (ex. : {example}).", field=field)
    digits = "".join((letters or {}).get(c, c) for c in text)
    warning = None if luhn_ok(digits) else (
        f"{label} {text} : la clé de contrôle ne correspond pas. Vérifiez le numéro "
        "(certains numéros réels ne la respectent pas : il est enregistré quand même).")
    return text, warning


def rpps(value, field: str = "rpps") -> tuple[str | None, str | None]:
    """11 digits starting with 1; Luhn on the 11 digits."""
    return _identifier(value, r"1\d{10}", "10003456789", "Numéro RPPS", field)


def adeli(value, field: str = "adeli") -> tuple[str | None, str | None]:
    """9 characters (digits, A-E for Corsica and some categories); Luhn after A->1..E->5."""
    return _identifier(value, r"[0-9][0-9AB][0-9A-E]\d{6}", "456012345", "Numéro ADELI",
                       field, LETTERS)


def finess(value, field: str = "finess") -> tuple[str | None, str | None]:
    """9 characters (2A/2B in Corsica); Luhn after A->1, B->2."""
    return _identifier(value, r"[0-9][0-9AB]\d{7}", "450000088", "Numéro FINESS", field,
                       {"A": "1", "B": "2"})


def siret(value, field: str = "siret") -> tuple[str | None, str | None]:
    """14 digits; Luhn (La Poste's establishments are the known exception)."""
    return _identifier(value, r"\d{14}", "12345678900017", "Numéro SIRET", field)
