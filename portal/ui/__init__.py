"""What every page needs from Streamlit: the store, the acting user, the access check,
errors shown next to their field, tables, saves confirmed. UI only: rules live in the
services. Beside it: the login session (session), and the widgets one domain's pages share
(decisions, verdicts, spreadsheet). With the pages, the only code that imports streamlit.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date

import pandas as pd
import streamlit as st

from ..admin import journal
from ..association import receipts, statement_papers
from ..core import network, reference, settings
from ..core.db import Store
from ..core.errors import Busy, PortalError
from ..core.exports import DOCX_MIME
from ..core.formats import md_escape
from ..core.roles import Actor
from ..directory import persons, search, territory
from ..meetings import schedule
from . import navigation

LOG = logging.getLogger("portal")
# A page's file, for links and switches: ui.page("person").
page = navigation.path


def run_page(page) -> None:
    """Run the page; a bug in it shows a French message with a short reference instead
    of Streamlit's English box, and its traceback goes to the server log under that
    reference. With client.showErrorDetails = "full" (developers, tests), Streamlit's box
    with the traceback follows."""
    try:
        page.run()
    except Busy as error:  # a view that logs its reading, during a restore
        st.warning(error.message, icon=":material/hourglass_top:")
    except Exception:
        reference = secrets.token_hex(3).upper()
        LOG.exception("Erreur %s sur la page %s", reference, getattr(page, "url_path", "?"))
        st.error(f"Une erreur inattendue a interrompu cette page. Rien de ce qui était "
                 f"enregistré n'est perdu. Réessayez ; si l'erreur revient, donnez à "
                 f"l'administrateur la référence {reference} (elle est dans le journal du "
                 "serveur).", icon=":material/report:")
        if st.get_option("client.showErrorDetails") == "full":
            raise


def config() -> settings.Settings:
    return settings.load()


def store() -> Store:
    return Store(config().db_path)


def in_clear_warning() -> str | None:
    """The warning of network.in_clear_warning for this server's own options."""
    return network.in_clear_warning(st.get_option("server.address"),
                                    st.get_option("server.sslCertFile"))


def actor() -> Actor | None:
    """The logged-in user, set by the entry point on every run from the database."""
    return st.session_state.get("actor")


def linked_person(store: Store, actor: Actor, to_see: str) -> int:
    """The directory person of a member's account; without one linked, the page says how
    to get it done and stops."""
    person = schedule.account_person(store, actor)
    if person is None:
        st.info("Votre compte n'est pas encore relié à votre fiche de l'annuaire : demandez-le "
                f"à un administrateur pour voir {to_see}.", icon=":material/link_off:")
        st.stop()
    return person


def require_access(key: str) -> Actor:
    """Stop the page unless the user's roles open it: pages check again, not only the menu."""
    entry = navigation.BY_KEY[key]
    user = actor()
    if user is None or not navigation.allowed(entry, user.roles):
        st.error("Accès refusé : cette page n'est pas ouverte à votre rôle.")
        st.stop()
    return user


def refuse(error: PortalError, where=st) -> None:
    """Show a service's refusal. Its message may quote what the user typed (a name, a
    spreadsheet cell), and an error box renders markdown: the message stays text."""
    where.error(md_escape(error.message), icon=":material/error:")


class FieldErrors:
    """Places under a form's fields where a PortalError shows, next to its field.

    Call `slot(field)` right after each widget, `slot(None)` once for errors that belong
    to no field, then `show(error)` when the service refuses the input (or let
    `attempt` call the service and show it).
    """

    def __init__(self):
        self.slots = {}

    def slot(self, field: str | None) -> None:
        self.slots[field] = st.empty()

    def show(self, error: PortalError) -> None:
        target = self.slots.get(error.field) or self.slots.get(None)
        refuse(error, target or st)

    def attempt(self, action, *args, **kwargs) -> bool:
        """Call a service: True when it went through; False when it refused the input,
        its message then shown next to the field."""
        try:
            action(*args, **kwargs)
        except PortalError as error:
            self.show(error)
            return False
        return True


def identity_inputs(errors: FieldErrors, name: str = "", email: str = "",
                    username: bool = True) -> dict:
    """Name, e-mail and (for a new account) username fields, each with its error slot."""
    values = {"name": st.text_input("Nom et prénom", value=name, max_chars=120)}
    errors.slot("name")
    values["email"] = st.text_input("Adresse e-mail", value=email, max_chars=254)
    errors.slot("email")
    if username:
        values["username"] = st.text_input("Identifiant", max_chars=32,
                                           help="ex. : marie.martin")
        errors.slot("username")
    return values


def new_password_inputs(errors: FieldErrors, label: str = "Mot de passe") -> tuple[str, str]:
    """A new password typed twice, each with its error slot."""
    password = st.text_input(label, type="password", max_chars=64,
                             help="12 à 64 caractères ; évitez les mots de passe courants. "
                                  "Plusieurs mots sans rapport entre eux font un bon choix.")
    errors.slot("password")
    confirm = st.text_input(f"Confirmez le {label[0].lower()}{label[1:]}", type="password",
                            max_chars=64)
    errors.slot("confirm")
    return password, confirm


# Tab goes from field to field, as a coordinator types a paper sheet: the button that
# clears a filled list takes no Tab stop (a click still clears it), and it is named in
# French for screen readers. Streamlit has no option for either. A fixed script of ours,
# no user text in it.
FIELD_TO_FIELD = """<script>
(() => {
  if (window.portalFieldToField) return;
  window.portalFieldToField = true;
  const clearers = '[data-testid="stSelectbox"] button[aria-label="Clear value"],'
    + ' [data-testid="stSelectbox"] button[aria-label="Effacer"]';
  const fix = () => document.querySelectorAll(clearers).forEach((button) => {
    if (button.tabIndex !== -1) button.tabIndex = -1;
    if (button.getAttribute("aria-label") !== "Effacer") {
      button.setAttribute("aria-label", "Effacer");
    }
  });
  new MutationObserver(fix).observe(document.body, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ["tabindex", "aria-label"]});
  fix();
})();
</script>"""


# Streamlit cannot send X-Frame-Options; a proxy in front should (frame-ancestors 'none').
# Meanwhile the page itself refuses to run inside another site's frame, where a visitor
# could be tricked into clicking it (clickjacking). No markup in the script: Streamlit's
# sanitiser drops a script that holds some.
NOT_IN_A_FRAME = """<script>
if (window.top !== window.self) {
  const note = document.createElement("p");
  note.textContent = "Le Portail CPTS ne s'affiche pas à l'intérieur d'une autre page : "
    + "ouvrez-le directement dans votre navigateur.";
  note.style.cssText = "font: 16px sans-serif; padding: 2em";
  document.body.replaceChildren(note);
}
</script>"""


def refuse_framing() -> None:
    """Install NOT_IN_A_FRAME (the entry point calls it first, on every page)."""
    st.html(NOT_IN_A_FRAME, unsafe_allow_javascript=True)


def keyboard_order() -> None:
    """Install FIELD_TO_FIELD once per page (the entry point calls it, in the sidebar so
    that it takes no room on the page)."""
    st.sidebar.html(FIELD_TO_FIELD, unsafe_allow_javascript=True)


def table(data, **kwargs):
    """A read-only table as the portal shows them: no index, the page's width, and a
    blank cell left empty (Streamlit writes "None" in it by default)."""
    return st.dataframe(data, **{"hide_index": True, "width": "stretch", "placeholder": "",
                                 **kwargs})


def journal_table(store: Store, frame: pd.DataFrame) -> None:
    """Rows of the audit log as people read them; an element's page opens from its row."""
    table(journal.readable(store, frame), column_config={
        "Date": st.column_config.TextColumn(width=125),
        "Par": st.column_config.TextColumn(width=120),
        "Élément": st.column_config.TextColumn(width=260),
        "Ouvrir": st.column_config.LinkColumn(display_text="Ouvrir", width=60),
        "Action": st.column_config.TextColumn(width=110),
        "Changements": st.column_config.TextColumn(
            width="large", help="Cliquez sur une cellule pour lire tout le texte.")})


def editor_table(data, **kwargs):
    """An editable sheet, shown as `table` shows tables."""
    return st.data_editor(data, **{"hide_index": True, "width": "stretch", "placeholder": "",
                                   **kwargs})


def page_offset(total: int, size: int, key: str | None = None) -> int:
    """A page picker when there is more than one page; returns the SQL offset."""
    pages = (total + size - 1) // size
    if pages <= 1:
        return 0
    number = st.columns([1, 4])[0].number_input(f"Page (sur {pages})", 1, pages, 1, key=key)
    return (number - 1) * size


def paged(fetch, size: int, key: str) -> tuple[pd.DataFrame, int]:
    """A page of rows and the number of rows in all, from one query: `fetch(limit,
    offset)` gives each row the `total`. For a list whose count costs as much as its
    page (an aggregate); the page picker shows when there is more than one page."""
    number = st.session_state.get(key, 1)
    frame = fetch(size, (number - 1) * size)
    if frame.empty and number > 1:  # the list shrank under the page the user was on
        del st.session_state[key]
        frame = fetch(size, 0)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    page_offset(total, size, key)
    return frame, total


def clickable_table(display, ids, page: str, key: str, **kwargs) -> None:
    """A table whose rows open a record's page (`page?id=...`) when clicked. The page
    switches in the click's callback, before the list's script would run again: the
    record opens in one run, and a row opens the id the user saw on it."""
    ids = [int(i) for i in ids]

    def open_record() -> None:
        if rows := st.session_state[key].selection.rows:
            st.switch_page(page, query_params={"id": str(ids[rows[0]])})

    table(display, on_select=open_record, selection_mode="single-row", key=key, **kwargs)


def choice(label: str, options: dict, value=None, key: str | None = None,
           empty: str = "Tous", **kwargs):
    """A selectbox over {code: label} with a first 'empty' entry meaning None."""
    codes = [None, *options]
    index = codes.index(value) if value in codes else 0
    # After a rerun the browser shows a None value as "no choice": the placeholder then
    # says the same as the empty entry, not Streamlit's English "Choose an option".
    return st.selectbox(label, codes, index=index, key=key, placeholder=empty,
                        format_func=lambda c: empty if c is None else options[c], **kwargs)


def person_search(store: Store, actor: Actor, label: str, key: str,
                  multiple: bool = False, value: int | None = None, snp_only: bool = False):
    """People of the directory found by name, RPPS or e-mail (only those taking part in
    soins non programmés if asked): a search field, then its first 20 matches (those
    already chosen stay); a new search that finds one person chooses them. A list of the
    whole directory would cost the page seconds to send and draw at 20,000 people.
    Returns an id or None, or a list of ids when `multiple`."""
    labels = st.session_state.setdefault(f"{key}_labels", {})
    if value is not None and value not in labels and (person := persons.get_person(store,
                                                                                   value)):
        labels[value] = persons.person_label(person)
    st.session_state.setdefault(key, [] if multiple else value)
    text = st.text_input(label, key=f"{key}_text",
                         placeholder="Tapez un nom, un RPPS ou un e-mail puis Entrée…")
    found = search.name_matches(store, text, persons.sees_hidden(actor),
                                snp=snp_only or None) if text.strip() else {}
    labels.update(found)
    if len(found) == 1 and st.session_state.get(f"{key}_searched") != text:
        only, chosen = next(iter(found)), st.session_state[key]
        st.session_state[key] = ([*chosen, only] if only not in chosen else chosen) \
            if multiple else only
    st.session_state[f"{key}_searched"] = text
    chosen = st.session_state[key]
    kept = list(chosen) if multiple else [c for c in (chosen,) if c is not None]
    options = [*kept, *(i for i in found if i not in kept)]
    if multiple:
        return multiselect("Personnes trouvées", options, format_func=labels.get, key=key,
                           placeholder="Choisissez parmi les noms trouvés")
    return st.selectbox("Personne trouvée", [None, *options], key=key, placeholder="Aucune",
                        format_func=lambda i: "Aucune" if i is None else labels[i])


def receipt_button(store: Store, payment: dict, where=st) -> None:
    """The Word receipt of a membership payment, made when clicked."""
    where.download_button("Reçu (Word)", lambda: receipts.receipt_docx(store, payment["id"])[1],
                          file_name=receipts.receipt_name(payment), mime=DOCX_MIME,
                          icon=":material/receipt_long:", on_click="ignore",
                          key=f"receipt_{payment['id']}")


def statement_button(store: Store, statement: dict, where=st) -> None:
    """The Word document of an indemnity statement, made when clicked."""
    where.download_button("Relevé (Word)",
                          lambda: statement_papers.statement_docx(store, statement["id"])[1],
                          file_name=statement_papers.statement_name(statement), mime=DOCX_MIME,
                          icon=":material/description:", on_click="ignore",
                          key=f"statement_{statement['id']}")


def multiselect(label: str, options, **kwargs):
    """st.multiselect without its "Select all" entry, which Streamlit writes in English."""
    return st.multiselect(label, options, select_all=False, **kwargs)


def tristate(label: str, key: str | None = None) -> bool | None:
    """Tous / Oui / Non as None / True / False."""
    return {"Tous": None, "Oui": True, "Non": False}[
        st.selectbox(label, ["Tous", "Oui", "Non"], key=key)]


def commune_input(store: Store, label: str, value: str | None, key: str) -> str | None:
    """A commune of the territory, or any French commune chosen by département."""
    options = {r.code: f"{r.name} ({r.department})"
               for r in territory.communes(store).itertuples()}
    current = reference.commune(store, value)
    if current and value not in options:
        options[value] = f"{current['name']} ({current['department']})"
    options["other"] = "Autre commune…"
    chosen = choice(label, options, value, key=key, empty="Non renseignée")
    if chosen != "other":
        return chosen
    left, right = st.columns(2)
    departments = reference.departments(store)
    department = left.selectbox("Département", list(departments), key=f"{key}_dep",
                                format_func=lambda d: f"{d} – {departments[d]}")
    communes = reference.communes_of(store, department)
    return right.selectbox("Commune", list(communes), key=f"{key}_other",
                           format_func=communes.get)


def text_field(errors: FieldErrors, label: str, value, field: str, key: str,
               max_chars: int = 200) -> str:
    """A text input with its error slot underneath, for forms outside st.form."""
    text = st.text_input(label, value or "", max_chars=max_chars, key=f"{key}_{field}")
    errors.slot(field)
    return text


NOTICE = "saved_notice"


def saved(message: str, warnings=(), reset: str | None = None, page: str | None = None,
          **query) -> None:
    """End a successful save by running the page again, so that everything on it reads
    what was saved; the confirmation (and any warning) shows on that run. `reset` names a
    form (see form_key) to start blank; `page` opens another page instead."""
    st.session_state[NOTICE] = (message, list(warnings))
    if reset:
        st.session_state[f"{reset}_version"] = st.session_state.get(f"{reset}_version", 0) + 1
    if page:
        st.switch_page(page, query_params={k: str(v) for k, v in query.items()})
    st.rerun()


def show_saved() -> None:
    """The confirmation of the save that led to this run; the entry point calls it before
    the page. Toasts, not boxes: a box above the page would shift it, and Streamlit would
    draw its tabs afresh on their first tab. A warning stays until closed. Plain text:
    a message may quote what the user typed."""
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        message, warnings = notice
        st.toast(md_escape(message), icon=":material/check_circle:", duration="long")
        for warning in warnings:
            st.toast(md_escape(warning), icon=":material/warning:", duration="infinite")


def removal(label: str, what: str, options: dict, remove, message: str, key: str) -> None:
    """A popover to remove one of `options` (id -> label) made by mistake: ticked to
    confirm, refused with the service's reason, then the page shows what is left."""
    with st.popover(label, icon=":material/delete:"):
        chosen = st.selectbox(what, list(options), format_func=options.get, key=f"{key}_pick")
        confirmed = st.checkbox("Je confirme la suppression", key=f"{key}_confirm")
        errors = FieldErrors()
        errors.slot(None)
        if st.button("Supprimer", key=f"{key}_delete", disabled=not confirmed) and \
                errors.attempt(remove, chosen):
            saved(message)


def ending(label: str, what: str, options: dict, end, message: str, key: str,
           icon: str, first: date) -> None:
    """An expander to end one of `options` (id -> label: a mandate, a rate) on a last day,
    ticked to confirm, refused next to the date with the service's reason."""
    with st.expander(label, icon=icon):
        errors = FieldErrors()
        with st.form(key):
            chosen = st.selectbox(what, list(options), format_func=options.get)
            last_day = st.date_input("Dernier jour", first, format="DD/MM/YYYY")
            errors.slot("ends_on")
            confirmed = st.checkbox(f"Je confirme : {label.lower()}")
            sent = st.form_submit_button(label)
        if not sent:
            return
        if not confirmed:
            errors.show(PortalError("Cochez la case pour confirmer.", field="ends_on"))
        elif errors.attempt(end, chosen, last_day):
            saved(message)


def form_key(name: str) -> str:
    """The key of a form that `saved(reset=name)` empties: a new key is a new, blank form."""
    return f"{name}_{st.session_state.get(f'{name}_version', 0)}"


def save_record(errors: FieldErrors, save, page: str, created: bool, message: str) -> None:
    """Run a service's save (returning id and warnings): a refusal shows under its field;
    a new record then opens on its page, an edit shows its saved state; both confirm."""
    try:
        record_id, warnings = save()
    except PortalError as error:
        errors.show(error)
        return
    saved(message, warnings, page=page if created else None, id=record_id)


def record_page(load, form, editor: bool, new_title: str, empty_title: str,
                empty_text: str, icon: str) -> dict:
    """The routing every record page shares: `?new=1` shows the creation form (editors
    only), `?id=N` loads the record, anything else says where to find one."""
    params = st.query_params
    if params.get("new") and editor:
        st.title(new_title)
        form(None)
        st.stop()
    record_id = params.get("id", "")
    record = load(int(record_id)) if record_id.isdigit() else None
    if record is None:
        st.title(empty_title)
        st.info(empty_text, icon=icon)
        st.stop()
    return record
