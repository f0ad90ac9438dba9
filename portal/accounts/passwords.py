"""Password rules and hashing.

12 to 64 characters, at most 72 bytes (bcrypt's limit), not a common or easily guessed
password. The check uses zxcvbn's list of the 30,000 most common passwords and its
guessability score, plus a short list of French favourites zxcvbn does not know.
"""

from __future__ import annotations

import functools
import re

import bcrypt
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..core.errors import PortalError
from ..core.formats import fold
from ..core.settings import ROOT

MIN_LENGTH = 12
MAX_LENGTH = 64
MAX_BYTES = 72
FRENCH_LIST = ROOT / "data" / "common_passwords_fr.txt"
# The demo's password is printed in the README and on the demo's login page: never a
# real account's.
PUBLISHED = "demo-cpts-gien-2026"
# Words anyone would try first against this portal, beside the user's own and the CPTS's.
OBVIOUS = ("portail", "cpts", "motdepasse", "password", "demo", "admin", "sante")
OWN_CHARACTERS = 8   # letters and digits a password keeps once those words are taken out


@functools.cache
def _common() -> frozenset[str]:
    french = [line.strip() for line in FRENCH_LIST.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    return frozenset(fold(p) for p in [*FREQUENCY_LISTS["passwords"], *french])


def validate(password: str, context: tuple[str, ...] = ()) -> None:
    """Raise a French PortalError on the field 'password' if the password is refused.

    `context` holds the user's own words (username, name, e-mail) that must not make
    up the password.
    """
    def refuse(message: str):
        raise PortalError(message, field="password")

    if password != password.strip():
        refuse("Le mot de passe ne peut pas commencer ni finir par une espace.")
    if len(password) < MIN_LENGTH:
        refuse(f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH or len(password.encode("utf-8")) > MAX_BYTES:
        refuse(f"Le mot de passe est trop long ({MAX_LENGTH} caractères au plus, "
               "moins s'il contient des accents).")
    folded = fold(password)
    stripped = folded.rstrip("0123456789!?.*_-@#$ ")
    if folded in _common() or stripped in _common():
        refuse("Ce mot de passe fait partie des mots de passe les plus courants : "
               "choisissez-en un autre.")
    words = [w for w in context if w]
    if folded == fold(PUBLISHED):
        refuse("C'est le mot de passe public de la démonstration : choisissez-en un autre.")
    if any(len(w) >= 4 and fold(w) in folded for w in words):
        refuse("Le mot de passe ne doit pas reprendre votre identifiant, votre nom "
               "ou votre adresse e-mail.")
    if len(_own_characters(folded, words)) < OWN_CHARACTERS:
        refuse("Le mot de passe est fait surtout de votre nom, de votre identifiant ou des "
               "noms du portail et de la CPTS : ajoutez des mots à vous.")
    if zxcvbn(password[:MAX_LENGTH], user_inputs=[*words, "cpts", "portail"])["score"] < 3:
        refuse("Ce mot de passe est trop facile à deviner : allongez-le, par exemple "
               "avec plusieurs mots sans rapport entre eux.")


def _own_characters(folded: str, context: list[str]) -> str:
    """The letters and digits of a password left once the words of the user, of the
    CPTS and of the portal are taken out ("Martin2026Claire!" leaves only "2026" for
    Claire Martin)."""
    parts = {p for w in (*context, *OBVIOUS) for p in re.split(r"[^a-z]+", fold(w))
             if len(p) >= 3}
    left = re.sub(r"[^a-z0-9]+", "", folded)
    for part in sorted(parts, key=len, reverse=True):
        left = left.replace(part, "")
    return left


def hash_password(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    """Compare in constant time; a password bcrypt cannot take is simply wrong."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


@functools.cache
def dummy_hash(rounds: int) -> str:
    """A hash to check unknown usernames against, so they cost as much as known ones."""
    return hash_password("pas un vrai mot de passe", rounds)
