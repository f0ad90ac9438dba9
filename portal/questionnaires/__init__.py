"""Questionnaires sent to the territory's professionals: campaigns and their questions,
the answers typed or imported, and what the answers say (figures).

May import portal.core and portal.directory.
"""
