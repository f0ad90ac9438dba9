"""People and organisations from a spreadsheet (a coordinator's own list, a network's
export): columns mapped to the directory's fields, every line checked, all or nothing."""

from __future__ import annotations

from ..association import memberships
from ..core import imports, roles, tabular
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import fold
from ..core.roles import Actor
from ..core.tabular import Table
from ..core.transactions import Transaction
from . import organizations, persons

# Field -> (French label, header names recognised automatically).
PERSON_TARGETS = {
    "last_name": ("Nom", ("nom", "nom d'exercice", "last name", "nom de famille")),
    "first_name": ("Prénom", ("prénom", "prenom d'exercice", "first name")),
    "civility": ("Civilité", ("civilité", "titre")),
    "profession": ("Profession", ("profession", "métier", "code profession")),
    "specialty": ("Spécialité", ("spécialité", "savoir-faire", "code savoir-faire")),
    "rpps": ("N° RPPS", ("rpps", "n° rpps", "numéro rpps", "identifiant pp")),
    "adeli": ("N° ADELI", ("adeli", "n° adeli")),
    "phone": ("Téléphone", ("téléphone", "tel", "tél", "portable",
                            "téléphone professionnel")),
    "email": ("E-mail", ("e-mail", "email", "mail", "courriel", "adresse e-mail")),
    "mssante": ("MSSanté", ("mssanté", "messagerie sécurisée")),
    "commune": ("Commune", ("commune", "ville", "code commune", "code insee")),
    "address": ("Adresse", ("adresse",)),
    "organization": ("Structure", ("structure", "établissement", "cabinet", "msp")),
    "tags": ("Activités", ("activités", "compétences", "activités spécifiques")),
    "member": ("Membre CPTS", ("membre", "membre cpts", "adhérent")),
    "snp": ("Soins non programmés", ("snp", "soins non programmés")),
}
ORGANIZATION_TARGETS = {
    "name": ("Nom", ("nom", "raison sociale", "structure")),
    "kind": ("Type", ("type", "catégorie")),
    "sector": ("Secteur", ("secteur",)),
    "finess": ("N° FINESS", ("finess", "n° finess")),
    "siret": ("N° SIRET", ("siret", "n° siret")),
    "address": ("Adresse", ("adresse",)),
    "commune": ("Commune", ("commune", "ville", "code commune", "code insee")),
    "phone": ("Téléphone", ("téléphone", "tel", "tél")),
    "email": ("E-mail", ("e-mail", "email", "mail", "courriel")),
    "website": ("Site internet", ("site", "site internet", "web")),
}
YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
KINDS = {"people": "Personnes", "organizations": "Structures"}


def targets(kind: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return PERSON_TARGETS if kind == "people" else ORGANIZATION_TARGETS


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Field -> file column, for the headers that name a field (by label or usual name)."""
    return tabular.guess_mapping(headers, {field: (label, *names)
                                           for field, (label, names) in targets(kind).items()})


class Lookups:
    """Reference codes and organisations by folded name, read once per import: a file of
    20 000 lines would otherwise fold the 35 000 communes of France for each of them."""

    def __init__(self, tx: Transaction):
        self.tx = tx
        self.maps: dict[str, dict] = {}

    def _names(self, key: str, sql: str) -> dict[str, list]:
        """{folded name: [values]} of the rows (name, value) of `sql`, kept in order."""
        if key not in self.maps:
            names: dict[str, list] = {}
            for name, value in self.tx.execute(sql):
                if name:
                    names.setdefault(fold(name).strip(), []).append(value)
            self.maps[key] = names
        return self.maps[key]

    def code(self, table: str, value: str, label_column: str) -> str | None:
        """A reference code from a code or a label, case and accents ignored."""
        if not value:
            return None
        found = self._names(table, f"SELECT code, code FROM {table} UNION ALL"
                                   f" SELECT {label_column}, code FROM {table}")
        codes = found.get(fold(value).strip())
        if not codes:
            raise PortalError(f"« {value} » : valeur inconnue.")
        return codes[0]

    def commune(self, value: str) -> str | None:
        """An INSEE code, or a commune name unique in the territory (or in France)."""
        if not value:
            return None
        wanted = fold(value).strip()
        if self._names("insee", "SELECT code, code FROM communes").get(wanted):
            return value.upper().strip()
        for scope in ("territory", "france"):
            join = "JOIN territory_communes t ON t.code = c.code" if scope == "territory" else ""
            matches = self._names(scope, f"SELECT c.name, c.code FROM communes c {join}"
                                  ).get(wanted, [])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise PortalError(f"Commune « {value} » ambiguë : indiquez son code INSEE.")
        raise PortalError(f"Commune « {value} » inconnue.")

    def organization(self, name: str) -> list[int]:
        if not name:
            return []
        found = self._names("organizations", "SELECT name, id FROM organizations"
                            ).get(fold(name).strip())
        if not found:
            raise PortalError(f"Structure « {name} » absente de l'annuaire : importez "
                              "d'abord les structures, ou créez-la.")
        return found[:1]


def _choice(value: str, options: dict[str, str], what: str) -> str | None:
    if not value:
        return None
    wanted = fold(value).strip()
    for code, label in options.items():
        if wanted in (fold(code), fold(label)):
            return code
    raise PortalError(f"{what} « {value} » inconnu(e) : {', '.join(options.values())}.")


def _person(tx: Transaction, cell, lookups: Lookups) -> list[str]:
    values = {
        "last_name": cell("last_name"), "first_name": cell("first_name"),
        "civility": _choice(cell("civility"), {c: c for c in persons.CIVILITIES},
                            "Civilité"),
        "profession_code": lookups.code("professions", cell("profession"), "label"),
        "specialty_code": lookups.code("specialties", cell("specialty"), "short_label"),
        "rpps": cell("rpps"), "adeli": cell("adeli"), "phone": cell("phone"),
        "email": cell("email"), "mssante": cell("mssante"),
        "commune_code": lookups.commune(cell("commune")), "address": cell("address"),
        "snp": fold(cell("snp")) in YES,
    }
    person_id, warnings = persons.write_person(tx, values, organization_ids=lookups.organization(
        cell("organization")), tags=cell("tags").replace(";", ","), source="tableur")
    if fold(cell("member")) in YES:
        memberships.regularise(tx, person_id)
    return warnings


def _org(tx: Transaction, cell, lookups: Lookups) -> list[str]:
    values = {
        "name": cell("name"), "address": cell("address"), "phone": cell("phone"),
        "email": cell("email"), "website": cell("website"), "finess": cell("finess"),
        "siret": cell("siret"), "commune_code": lookups.commune(cell("commune")),
        "kind": _choice(cell("kind"), organizations.KINDS, "Type"),
        "sector": _choice(cell("sector"), organizations.SECTORS, "Secteur"),
    }
    return organizations.write_organization(tx, values)[1]


def import_table(store: Store, actor: Actor, table: Table, mapping: dict[str, str],
                 kind: str = "people", dry_run: bool = False) -> imports.Report:
    """Check every line, then write them all, or none of them (see imports).

    `mapping` is target field -> column of the file. A dry run only checks.
    """
    roles.require(actor, *persons.EDITORS)
    required = "last_name" if kind == "people" else "name"
    if required not in mapping:
        raise PortalError("Indiquez la colonne du nom.", field="mapping")
    writer = _person if kind == "people" else _org
    unknown = set(mapping) - set(targets(kind))
    if unknown:
        raise PortalError(f"Champs inconnus : {', '.join(sorted(unknown))}.", field="mapping")
    return imports.import_rows(store, actor, table, mapping, lambda: with_lookups(writer),
                               {"kind": kind}, dry_run)


def with_lookups(write_row):
    """`write_row(tx, cell, lookups)` as an import's writer, its lookups read once."""
    lookups = None

    def write(tx: Transaction, cell) -> list[str]:
        nonlocal lookups
        lookups = lookups or Lookups(tx)
        return write_row(tx, cell, lookups)
    return write
