"""Extraction files in both header variants, for the import tests and the benchmark."""

from __future__ import annotations

VARIANT_A = ("Type d'identifiant PP|Identifiant PP|Identification nationale PP|"
             "Code civilité d'exercice|Libellé civilité d'exercice|Code civilité|"
             "Libellé civilité|Nom d'exercice|Prénom d'exercice|Code profession|"
             "Libellé profession|Code catégorie professionnelle|"
             "Libellé catégorie professionnelle|Code type savoir-faire|"
             "Libellé type savoir-faire|Code savoir-faire|Libellé savoir-faire|"
             "Code mode exercice|Libellé mode exercice|Numéro SIRET site|Numéro SIREN site|"
             "Numéro FINESS site|Numéro FINESS établissement juridique|"
             "Identifiant technique de la structure|Raison sociale site|"
             "Enseigne commerciale site|Complément destinataire (coord. structure)|"
             "Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|"
             "Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|"
             "Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|"
             "Mention distribution (coord. structure)|Bureau cedex (coord. structure)|"
             "Code postal (coord. structure)|Code commune (coord. structure)|"
             "Libellé commune (coord. structure)|Code pays (coord. structure)|"
             "Libellé pays (coord. structure)|Téléphone (coord. structure)|"
             "Téléphone 2 (coord. structure)|Télécopie (coord. structure)|"
             "Adresse e-mail (coord. structure)|Code Département (structure)|"
             "Libellé Département (structure)|Ancien identifiant de la structure|"
             "Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|"
             "Code section tableau pharmaciens|Libellé section tableau pharmaciens|")
# Variant B: a few labels spelled differently, four more columns at the end.
VARIANT_B = (VARIANT_A
             .replace("Type d'identifiant PP", "Type identifiant PP")
             .replace("Code civilité d'exercice", "Code civilité exercice")
             .replace("Libellé type de voie", "Libellé type voie")
             .replace("Adresse e-mail", "Adresse email")
             + "Code genre activité|Libellé genre activité|Code rôle|Libellé rôle|")
FIELDS = {  # our name -> the variant A label it fills
    "id_type": "Type d'identifiant PP", "id": "Identifiant PP",
    "national_id": "Identification nationale PP",
    "exercise_civility": "Code civilité d'exercice", "civility": "Code civilité",
    "last_name": "Nom d'exercice", "first_name": "Prénom d'exercice",
    "profession": "Code profession", "profession_label": "Libellé profession",
    "skill_type": "Code type savoir-faire", "skill": "Code savoir-faire",
    "mode": "Code mode exercice", "site": "Raison sociale site",
    "street_number": "Numéro Voie (coord. structure)",
    "street_repeat": "Indice répétition voie (coord. structure)",
    "street_type": "Libellé type de voie (coord. structure)",
    "street": "Libellé Voie (coord. structure)",
    "distribution": "Mention distribution (coord. structure)",
    "cedex": "Bureau cedex (coord. structure)", "postal_code": "Code postal (coord. structure)",
    "commune": "Code commune (coord. structure)",
    "commune_label": "Libellé commune (coord. structure)",
    "phone": "Téléphone (coord. structure)", "email": "Adresse e-mail (coord. structure)",
    "department": "Code Département (structure)",
    # Filled by the benchmark for realistic line lengths.
    "civility_label": "Libellé civilité", "category": "Code catégorie professionnelle",
    "category_label": "Libellé catégorie professionnelle",
    "skill_label": "Libellé savoir-faire", "mode_label": "Libellé mode exercice",
    "siret": "Numéro SIRET site", "siren": "Numéro SIREN site",
    "structure_id": "Identifiant technique de la structure",
    "country": "Code pays (coord. structure)", "country_label": "Libellé pays (coord. structure)",
    "department_label": "Libellé Département (structure)",
    "authority": "Autorité d'enregistrement", "sector": "Code secteur d'activité",
    "sector_label": "Libellé secteur d'activité",
}
A_NAMES = VARIANT_A.split("|")
POSITIONS = {key: A_NAMES.index(label) for key, label in FIELDS.items()}


def line(values: dict, variant: str = "A") -> str:
    """One data line: every field in place, the trailing '|' included."""
    cells = [""] * (len(A_NAMES) - 1)
    for key, value in values.items():
        cells[POSITIONS[key]] = value
    if variant == "B":
        cells += ["", "", "", ""]
    return "|".join(cells) + "|\n"


def header(variant: str = "A") -> str:
    return (VARIANT_A if variant == "A" else VARIANT_B) + "\n"


def professional(rpps: str, last: str, first: str, commune: str, **extra) -> dict:
    return {"id_type": "8", "id": rpps, "national_id": "8" + rpps, "civility": "M",
            "last_name": last, "first_name": first, "profession": "10", "mode": "L",
            "commune": commune, **extra}
