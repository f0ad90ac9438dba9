"""Who reaches the portal: this machine only, or the network.

A fresh portal (no administrator yet) hands itself to whoever opens it first. That is
fine on loopback, where only this machine's user can; on the office network a stranger
could. There the first-run screen asks for a one-time code printed in the server's
console, as Jupyter does with its token.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import secrets
import sys
from collections.abc import Mapping

from .errors import PortalError

# Headers a reverse proxy adds: behind one, a loopback address says nothing of the client.
FORWARDING = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")
# No 0/O, 1/I/L: a code read in a console and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_REFUSED = ("Code de premier lancement incorrect : recopiez celui qu'affiche la console "
                "où le portail a été lancé.")


def is_loopback(address: str | None) -> bool:
    """The server listens on this machine only. Unset means every interface."""
    if not address:
        return False
    if address.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def is_local(address: str | None, headers: Mapping[str, str]) -> bool:
    """This request comes from this machine: the server listens on loopback and no proxy
    relayed it from elsewhere."""
    relayed = {name.lower() for name in headers} & set(FORWARDING)
    return is_loopback(address) and not relayed


@functools.cache
def setup_code() -> str:
    """This process's one-time code, printed once in the server's console."""
    code = "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))
    print(f"\n  Portail CPTS : code de premier lancement {code}\n"
          "  (demandé sur l'écran de premier lancement ouvert depuis le réseau)\n",
          file=sys.stderr, flush=True)
    return code


def check_setup_code(typed: str) -> None:
    """Refuse, next to its field, a code other than this process's."""
    wanted = setup_code()
    given = "".join(typed.split()).upper().replace("-", "")
    if not hmac.compare_digest(given.encode(), wanted.replace("-", "").encode()):
        raise PortalError(CODE_REFUSED, field="setup_code")


IN_CLEAR = ("Le portail écoute le réseau ({address}) en HTTP simple : les mots de passe, le "
            "cookie de connexion et les données des patients y circulent en clair. Servez-le "
            "en HTTPS derrière Caddy, le portail sur 127.0.0.1 (README, « Installer dans "
            "votre CPTS »).")


def in_clear_warning(address: str | None, certificate: str | None) -> str | None:
    """What to tell the administrator when the portal answers the network itself without
    a certificate of its own (Streamlit's server.sslCertFile): None on loopback, where a
    reverse proxy in front does the HTTPS."""
    if is_loopback(address) or certificate:
        return None
    return IN_CLEAR.format(address=address or "toutes les interfaces")
