"""How the tool speaks to its users: the error every French message travels in, and how values,
names and numbers are written into a message so that it stays one safe line.

Every feature raises :class:`InputError` with its French message and quotes what came from a file
through :func:`show_value` or :func:`visible`, so a file name or a value can neither drive a
terminal, nor break a line, nor an encoder.
"""

from __future__ import annotations

import re


class InputError(ValueError):
    """A user's file or value cannot be used; ``str(error)`` is the French message to show.

    >>> from contacts_lib import InputError, read_autodiagnostics
    >>> try:
    ...     read_autodiagnostics("absent.json")
    ... except InputError as error:
    ...     print(error)
    absent.json : fichier introuvable.
    """


#: Control characters (tab and line breaks included), lone surrogates (not text), and the
#: bidirectional overrides that reorder what is shown: a character class's body.
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"


def character_name(character: str) -> str:
    """How a message names a refused character: « tabulation », « caractère de contrôle U+001B »…"""
    code = ord(character)
    if character in "\t\n\r":
        return {"\t": "tabulation", "\n": "saut de ligne", "\r": "retour chariot"}[character]
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X}, demi-caractère isolé"
    if code in range(0x202A, 0x202F) or code in range(0x2066, 0x206A):
        return f"U+{code:04X}, changement de sens d'écriture"
    return f"caractère de contrôle U+{code:04X}"


#: What :func:`visible` writes as an escape: the characters above, the invisible ones
#: (zero-width spaces and joiners, word joiner, byte order mark) and the line and paragraph
#: separators (which end a line as ``str.splitlines`` reads it).
_INVISIBLE = re.compile(f"[{CONTROL_CHARACTERS}\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]")


#: The escapes a reader knows, for the line breaks and the tab.
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(character: str) -> str:
    code = ord(character)
    return _SHORT_ESCAPES.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str) -> str:
    """``text`` safe to print or show on one line: control characters, lone surrogates and
    bidirectional overrides written as escapes (``\\n``, ``\\t``, ``\\x1b``, ``\\ud800``), so a
    file name or a value can neither drive a terminal, nor break a message's line, nor an encoder.

    >>> from contacts_lib.messages import visible
    >>> print(visible("réseau\\n2026\\x1b[31m.csv"))
    réseau\\n2026\\x1b[31m.csv
    """
    return _INVISIBLE.sub(lambda m: _escape(m.group()), text)


def thousands(number: int) -> str:
    """« 15 000 » : a whole number as French writes it (narrow no-break space between thousands)."""
    return f"{number:,}".replace(",", "\u202f")


def show_value(value: object, limit: int = 60) -> str:
    """A value as it may be quoted in a message: one line, control characters visible, short."""
    text = visible(value if isinstance(value, str) else repr(value))
    if len(text) > limit:
        text = text[:limit] + f"… ({len(text)} caractères)"
    return f"« {text} »"


def plural(number: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 structure », « 2 structures », « 1 réseau », « 15 000 réseaux » : a count and its noun,
    the noun in the plural from 2 on, as French writes it (``plural_form`` when it is not the
    singular and an « s »: « réseau » → « réseaux »).

    >>> plural(1, "réseau", "réseaux"), plural(0, "jour"), plural(15000, "structure")
    ('1 réseau', '0 jour', '15\u202f000 structures')
    """
    return f"{thousands(number)} {agreed(number, singular, plural_form)}"


def agreed(number: int, singular: str, plural_form: str | None = None) -> str:
    """The word ``singular`` agreed with ``number`` (for the words after the count:
    « 3 lignes écartées »).

    >>> agreed(1, "écartée"), agreed(3, "écartée")
    ('écartée', 'écartées')
    """
    return singular if abs(number) < 2 else (plural_form or singular + "s")


def without_path(message: str, path: object, words: str) -> str:
    """``message`` as a visitor of a page may read it: the server's ``path`` (a file or a folder
    the server was given) is not shown — a file inside the folder is named from the folder on,
    the path itself is said in ``words`` (« la base de l'application »). The whole message belongs
    in the server's log (:func:`server_log`), for whoever runs it.

    >>> without_path("/srv/reseau/caf.csv, ligne 3 : réponse « bof »", "/srv/reseau", "le dossier du réseau")
    'caf.csv, ligne 3 : réponse « bof »'
    >>> without_path("/srv/base.sqlite : base en lecture seule", "/srv/base.sqlite", "la base de l'application")
    "la base de l'application : base en lecture seule"
    """
    shown = visible(str(path)).rstrip("/")
    if not shown:
        return message
    return message.replace(shown + "/", "").replace(shown, words)


def server_log(message: str) -> None:
    """Write ``message`` to the server's log (the process's own error output: in a kernel,
    ``sys.stderr`` is the page's output, ``sys.__stderr__`` the server's log)."""
    import sys

    stream = sys.__stderr__ or sys.stderr
    print(f"contacts-efficaces : {visible(message)}", file=stream, flush=True)
