"""The reçu de cotisation of a payment, as a Word document the treasurer prints or sends."""

from __future__ import annotations

from docx import Document

from ..core.db import Store
from ..core.exports import docx_bytes, docx_table
from ..core.formats import date_fr, euros
from . import memberships


def receipt_name(payment: dict) -> str:
    return f"recu-cotisation-{payment['receipt_number']:05d}.docx"


def receipt_docx(store: Store, payment_id: int) -> tuple[dict, bytes]:
    """The payment and its receipt: who paid, for which year and collège, how much, when
    and how, the receipt's number; a cancelled payment's receipt says it is void."""
    payment = store.query_one("SELECT * FROM membership_payments WHERE id = ?", (payment_id,))
    membership = memberships.get_membership(store, payment["membership_id"])
    association = store.get_setting("cpts_name") or "La CPTS"
    document = Document()
    title = f"Reçu de cotisation n° {payment['receipt_number']}"
    document.add_heading(title, level=1)
    if payment["cancelled_at"]:
        document.add_paragraph(f"ANNULÉ le {date_fr(payment['cancelled_at'][:10])} : ce "
                               "reçu ne vaut plus.")
    document.add_paragraph(
        f"{association} reconnaît avoir reçu de {membership['name']} la somme de "
        f"{euros(payment['amount_cents'])} au titre de sa cotisation pour l'année "
        f"{membership['year']} (collège : {membership['college']}).")
    docx_table(document, None, [
        ["Date du paiement", date_fr(payment["paid_on"])],
        ["Moyen de paiement", memberships.METHODS[payment["method"]]],
        ["Référence", payment["reference"] or ""],
        ["Cotisation de l'année", euros(membership["due_cents"])],
        ["Payé à ce jour", euros(membership["paid_cents"])],
    ])
    document.add_paragraph(f"Enregistré par : {payment['recorded_by']}, le "
                           f"{date_fr(payment['recorded_at'][:10])}.")
    return payment, docx_bytes(document, title)
