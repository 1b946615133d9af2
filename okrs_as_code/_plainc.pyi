from typing import Any

def read(
    text: str, known: dict[str, Any], places: dict[int, Any] | None = None, /
) -> dict[str, Any] | None:
    """The data of a document in the common shape of OKR files, or None (declined); ``places``,
    when given, learns where each block sequence's items start, by the sequence's ``id``."""
