"""The HTML every page of the tool is made of, built in Python, escaped by default.

:func:`tag` escapes attribute values and takes content already escaped; :func:`text` escapes a
text (and gives it French non-breaking spaces): what came from a file is always shown as text.
:func:`display_first_paint` shows a page's HTML at once in Voilà, :class:`PageWithKernel` gives a
widget page's kernel back when the visitor leaves, :func:`page_styles` are the pages' styles.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from html import escape
from pathlib import Path

#: The web pages' own static files (styles and scripts shared by every page).
STATIC = Path(__file__).parent / "static"

#: Metadata key of an HTML output that the project's Voilà template writes into the page itself
#: (share/jupyter/voila/templates/contacts): it shows with the page, before Voilà's front end runs.
FIRST_PAINT = "contacts-efficaces/first-paint"

#: Class given to the page's ``<body>`` when one of the tool's pages is on it (styles of the whole page).
PAGE_CLASS = "ce-page"

#: French typography: no line break inside « … » nor before a colon, a semicolon or « % ».
_NO_BREAK = (
    ("« ", "«\u00a0"), (" »", "\u00a0»"), (" %", "\u202f%"), (" :", "\u00a0:"), (" ;", "\u202f;"), ("n° ", "n°\u00a0"),
)


def french_text(text: str) -> str:
    """A French text for display: the spaces that must not break become non-breaking."""
    for plain, no_break in _NO_BREAK:
        text = text.replace(plain, no_break)
    return text


def display_first_paint(html: str) -> None:
    """Display a page's HTML so that Voilà writes it into the page at once (see FIRST_PAINT);
    elsewhere (JupyterLab) it is an ordinary HTML output."""
    from IPython.display import HTML, display

    display(HTML(html), metadata={FIRST_PAINT: True})


class PageWithKernel:
    """A page made of widgets (the network page, the workshop page), and a script that gives its
    kernel back when the tab goes (« pagehide », the same request as the app's), so a visitor who
    leaves does not wait for culling."""

    def __init__(self, widget: object) -> None:
        self.widget = widget

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        release = (STATIC / "kernel.js").read_text(encoding="utf-8")
        display(HTML(f"<script>{release}\nwindow.addEventListener('pagehide', window.ceReleaseKernel);</script>"))
        display(self.widget)


def page_styles(name: str, folder: Path = STATIC) -> str:
    """The styles of a page: the whole page's (``page.css``), then the page's own (``name``, in
    ``folder``: a feature's own static files, or these)."""
    return "\n".join([(STATIC / "page.css").read_text(encoding="utf-8"), (folder / name).read_text(encoding="utf-8")])


def _attributes(attributes: Mapping[str, object]) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None or value is False:
            continue
        parts.append(name if value is True else f'{name}="{escape(str(value), quote=True)}"')
    return (" " + " ".join(parts)) if parts else ""


def _names(attributes: Mapping[str, object]) -> dict[str, object]:
    return {key.rstrip("_").replace("_", "-"): value for key, value in attributes.items()}


def void(name: str, /, **attributes: object) -> str:
    """An element without content (``<input>``), attributes named as for :func:`tag`."""
    return f"<{name}{_attributes(_names(attributes))}>"


def inline_json(value: object) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return json.dumps(value).replace("</", "<\\/").replace("<!--", "<\\!--")


def tag(name: str, content: str = "", /, **attributes: object) -> str:
    """An element; ``content`` is HTML already escaped, attribute values are escaped here.

    Attribute names are given with ``_`` for ``-`` and a trailing ``_`` for Python keywords:
    ``tag("label", "Nom", for_="id", aria_live="polite")``.
    """
    return f"<{name}{_attributes(_names(attributes))}>{content}</{name}>"


def text(value: str) -> str:
    """A text as HTML: escaped, with French non-breaking spaces."""
    return escape(french_text(value))


def text_plain(value: str) -> str:
    """A text as HTML exactly as typed (escaped, spaces untouched): what a form field holds."""
    return escape(value)


#: An address shown as a link: http or https only (never javascript:, data:, file:…), up to a
#: space, a quote or a French quotation mark; trailing punctuation is the sentence's.
_ADDRESS = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)


def linked_text(value: str) -> str:
    """A text as HTML (as :func:`text`, line breaks kept) whose http(s) addresses are links,
    opened in a new tab with ``rel="noopener noreferrer"``; any other text stays text.

    >>> linked_text("Voir https://ex.fr/a?b=1&c=2. Ou javascript:alert(1)")
    'Voir <a href="https://ex.fr/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">https://ex.fr/a?b=1&amp;c=2</a>. Ou javascript:alert(1)'
    """
    parts, last = [], 0
    for match in _ADDRESS.finditer(value):
        address = match.group().rstrip(".,;:!?)]")
        parts.append(text(value[last:match.start()]))
        parts.append(tag("a", escape(address), href=address, target="_blank", rel="noopener noreferrer"))
        last = match.start() + len(address)
    parts.append(text(value[last:]))
    return "<br>".join("".join(parts).split("\n"))


def download_link(label: str, content: bytes, file_name: str, mime: str, class_: str = "ce-button") -> str:
    """A link that downloads ``content`` as ``file_name`` (a ``data:`` URL: no request to the
    server, no file left on it)."""
    return tag("a", text(label), href=f"data:{mime};base64," + base64.b64encode(content).decode("ascii"),
               download=file_name, class_=class_)


