"""Sauvegardes (admin): back up now, see the kept copies, check the database."""

from datetime import datetime

import streamlit as st

from portal import ui
from portal.admin import backups
from portal.core.errors import PortalError
from portal.core.formats import PARIS, size_fr

actor = ui.require_access("maintenance")
store = ui.store()
config = ui.config()

st.title("Sauvegardes")
st.write(f"Le portail copie la base chaque jour au démarrage et garde les "
         f"{config.backups_kept} copies les plus récentes.")
st.text(f"Base : {config.db_path}\nSauvegardes : {config.backup_dir}")
st.info("Les sauvegardes contiennent des données de santé : gardez-les sur une machine de la "
        "CPTS ou chez un hébergeur certifié HDS, jamais sur un stockage en ligne ordinaire.",
        icon=":material/shield:")

left, right = st.columns(2)
if left.button("Faire une sauvegarde maintenant", type="primary", icon=":material/backup:"):
    path = backups.backup(store, config.backup_dir, config.backups_kept, actor,
                          config.files_dir)
    left.success(f"Sauvegarde écrite : {path.name}")
if right.button("Contrôler l'intégrité de la base", icon=":material/verified:"):
    try:
        store.check()
    except PortalError as error:
        ui.refuse(error, right)
    else:
        right.success("Intégrité correcte.")

st.subheader("Copies conservées")
kept = backups.list_backups(config.backup_dir)
if not kept:
    st.write("Aucune sauvegarde pour l'instant.")
else:
    ui.table([{
        "Fichier": path.name,
        "Date": datetime.fromtimestamp(path.stat().st_mtime, PARIS).strftime("%d/%m/%Y %H:%M"),
        "Taille": size_fr(path.stat().st_size),
    } for path in kept])
st.caption("Pour restaurer une copie : arrêtez le portail, puis lancez "
           "`python -m portal restore FICHIER` ; la base actuelle est mise de côté.")
