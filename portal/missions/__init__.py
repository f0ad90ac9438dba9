"""The ACI contract and its missions: the missions signed (aci), fiches action, indicators
and their values, supporting documents, where each stands (progress), charts and the
yearly report.

May import portal.core, portal.directory, and the domains whose figures feed indicators
(portal.care, portal.meetings, portal.questionnaires).
"""
