"""The one error type the core raises for problems the user must fix before a run can start."""

from __future__ import annotations


class OkrsError(Exception):
    """A configuration, usage or environment problem (exit code 2), never a finding in a file."""
