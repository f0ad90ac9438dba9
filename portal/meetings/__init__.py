"""Meetings: their schedule and calendar files, invitations and attendance, minutes with
motions and decisions, and the bodies (bureau, CA, AG) whose quorum they count.

May import portal.core and portal.directory.
"""
