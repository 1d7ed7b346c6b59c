"""Reading a user's file safely and writing ours atomically (nothing is ever half-written)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from contacts_lib.answers import InputError

#: Far above any real autodiagnostic file (thousands of structures fit in a few MB).
MAX_FILE_BYTES = 100 * 1024 * 1024


def read_user_file(path: Path) -> bytes:
    """The bytes of a file given by a user, or an :class:`InputError` saying why not (missing,
    a folder, too big, unreadable); what the bytes hold is the parsers' business."""
    if not path.exists():
        raise InputError(f"{path} : fichier introuvable.")
    if path.is_dir():
        raise InputError(f"{path} : c'est un dossier, pas un fichier.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path} : fichier trop volumineux ({size // (1024 * 1024)} Mo, "
                f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus)."
            )
        content = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path} : lecture impossible ({_reason(error)}).") from error
    return content


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)`` then move the result onto ``path`` in one step."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path} : le dossier {directory} n'existe pas.")
    if path.is_dir():
        raise InputError(f"{path} : c'est un dossier ; donnez un nom de fichier.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
        os.close(handle)
    except OSError as error:
        raise InputError(f"{path} : écriture impossible ({_reason(error)}).") from error
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{path} : écriture impossible ({_reason(error)}) ; rien n'a été modifié.") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _reason(error: OSError) -> str:
    reasons = {13: "permission refusée", 28: "disque plein", 30: "système de fichiers en lecture seule"}
    return reasons.get(error.errno, "erreur du système de fichiers")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once, at import: changing it later would race with other threads