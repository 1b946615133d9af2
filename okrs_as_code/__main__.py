"""`python -m okrs_as_code`: the same as the `okrs` command."""

from .cli import run

run()
