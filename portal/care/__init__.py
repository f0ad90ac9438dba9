"""Access to care (socle 1): patients looking for a médecin traitant (requests, priority,
GPs' places) and soins non programmés (slots, requests), each with its figures.

May import portal.core and portal.directory.
"""
