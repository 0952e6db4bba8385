"""Pairing sessions: roles, rotation, events and step status, persisted in SQLite."""

from pairlab.sessions.model import Event, Participant, Session
from pairlab.sessions.store import SessionStore
from pairlab.sessions.summary import export, summarize

__all__ = ["Event", "Participant", "Session", "SessionStore", "export", "summarize"]
