"""The project's error hierarchy.

Every error that a user can cause carries the file it concerns and a short reason, so the CLI and the
batch runner can report it on one line and go on with the other files.
"""

from __future__ import annotations


class ShuzhiError(Exception):
    """Base class for errors that are reported to users as one line."""


class IngestError(ShuzhiError):
    """A submitted file cannot be turned into text.

    Args:
        path: the file as the user named it.
        code: a stable machine-readable reason (``missing``, ``too_large``, ``scanned_pdf`` …).
        reason: a human-readable explanation, one line.
    """

    def __init__(self, path: str, code: str, reason: str) -> None:
        self.path = path
        self.code = code
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class LexiconError(ShuzhiError):
    """A lexicon file is malformed (empty group, bad regex, wrong number of fields)."""


class SettingsError(ShuzhiError, ValueError):
    """A setting has an invalid value or an unknown name."""


class UsageError(ShuzhiError):
    """The command was given something it cannot work with (a missing folder, a bad option value)."""
