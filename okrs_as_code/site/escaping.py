"""Escaping in the compiled templates, with markupsafe's commonest case made one Python call.

Every ``{{ value }}`` of an autoescaping template compiles to ``escape(value)``. markupsafe 3
writes that function in Python around its escaping in C, and a plain ``str``, the commonest
value, then costs two Python calls (the function and ``Markup.__new__``), which on a large
site are a sixth of the rendering. :class:`Template` gives its compiled code an ``escape``
that handles a plain ``str`` in one (and a macro's output and a whole number without
markupsafe's checks) and hands every other value to markupsafe's own, so the output is the
same bytes. Where markupsafe has no such inner function (its older versions escape in C
throughout) the templates keep its ``escape``.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from types import CodeType
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

_INNER: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
_inner = _INNER if _INNER is not None else lambda text: str(markupsafe.escape(text))
_new = str.__new__


def escape(value: object, /) -> Markup:
    """:func:`markupsafe.escape`: the same result for every value."""
    kind = type(value)
    if kind is str:
        return _new(Markup, _inner(value))  # type: ignore[arg-type]
    if kind is Markup:  # a macro's output: markupsafe would copy it
        return value  # type: ignore[return-value]
    if kind is int:  # digits and a sign: nothing to escape
        return _new(Markup, str(value))
    return markupsafe.escape(value)


class Template(jinja2.Template):
    """A template whose compiled code (its blocks and macros alike) escapes with :func:`escape`."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        made = super().from_code(environment, code, globals, uptodate)
        if _INNER is not None:
            # The compiled module's own namespace, where its code finds ``escape``.
            made.root_render_func.__globals__["escape"] = escape
        return made
