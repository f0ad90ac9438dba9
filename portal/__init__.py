"""Portail CPTS: the intranet of a Communauté Professionnelle Territoriale de Santé."""
