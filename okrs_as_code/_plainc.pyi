from typing import Any

def read(text: str, known: dict[str, Any], /) -> dict[str, Any] | None:
    """The data of a document in the common shape of OKR files, or None (declined)."""
