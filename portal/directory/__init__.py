"""The directory of the territory: people (persons), organisations, search and its exports,
spreadsheets and the RPPS extraction imported into it, and the territory's communes.

May import portal.core only; the other domains read people and organisations from here.
"""
