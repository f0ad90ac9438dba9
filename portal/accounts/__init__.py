"""Accounts: users and their roles, passwords, login checks with lockout, login cookies.

May import portal.core only.
"""
