"""Reading a user's file safely and writing ours atomically (nothing is ever half-written)."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

from contacts_lib.messages import InputError, visible

#: Far above any real autodiagnostic file (thousands of structures fit in a few MB).
MAX_FILE_BYTES = 100 * 1024 * 1024


def shown_path(path: Path | str) -> str:
    """A file name as it may be shown: control characters escaped (see :func:`visible`)."""
    return visible(os.fsdecode(path))


def _slug(name: str, limit: int) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:limit].strip("-")


def file_name_for(structure: str, suffix: str, participant: str | None = None) -> str:
    """A safe file name from a structure's name, and its participant's if one is given:
    « autodiagnostic-caf-de-l-isere.xlsx », « autodiagnostic-caf-de-l-isere-anne-morel.json »
    (in a workshop, each participant's file is told apart by its name)."""
    name = _slug(structure, 60) or "structure"
    if participant and _slug(participant, 40):
        name += "-" + _slug(participant, 40)
    return f"autodiagnostic-{name}{suffix}"


def read_user_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file given by a user, or an :class:`InputError` saying why not (missing, a
    folder, not a regular file, too big, unreadable); what the bytes hold is the parsers' business.

    Only regular files are read, and never more than ``limit`` bytes: a device (``/dev/zero``
    behind a link) or a named pipe is refused before a byte is read, without waiting."""
    name = shown_path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputError(f"{name} : {_open_reason(error, path)}.") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise InputError(f"{name} : c'est un dossier, pas un fichier.")
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{name} : ce n'est pas un fichier ordinaire ({_kind(status.st_mode)}) ; "
                             "donnez un fichier .json, .csv ou .xlsx.")
        if status.st_size > limit:
            raise InputError(f"{name} : {too_big(status.st_size, limit)}.")
        with os.fdopen(descriptor, "rb") as handle:
            descriptor = None
            content = handle.read(limit + 1)
    except OSError as error:
        raise InputError(f"{name} : lecture impossible ({os_reason(error)}).") from None
    finally:
        if descriptor is not None:
            os.close(descriptor)
    if len(content) > limit:  # it grew while being read
        raise InputError(f"{name} : {too_big(len(content), limit)}.")
    return content


def too_big(size: int, limit: int) -> str:
    """« fichier trop volumineux (…) » in the units a person reads."""
    return f"fichier trop volumineux ({_size(size)} ; {_size(limit)} au plus)"


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} Mo".replace(".0 ", " ").replace(".", ",")
    if size >= 1024:
        return f"{size // 1024} Ko"
    return f"{size} octets"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "tube nommé"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "périphérique"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "fichier spécial"


def _open_reason(error: OSError, path: Path | str) -> str:
    if error.errno == errno.ENOENT:
        if os.path.islink(path):
            return "lien vers un fichier introuvable"
        return "fichier introuvable"
    if error.errno == errno.EISDIR:
        return "c'est un dossier, pas un fichier"
    if error.errno == errno.ENOTDIR:
        return "fichier introuvable (une partie du chemin n'est pas un dossier)"
    if error.errno == errno.ENAMETOOLONG:
        return "nom de fichier trop long pour le système"
    if error.errno == errno.ELOOP:
        return "lien symbolique qui boucle sur lui-même"
    if error.errno == errno.EACCES:
        return "lecture refusée (permissions du fichier ou de son dossier)"
    return f"lecture impossible ({os_reason(error)})"


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then move it onto ``path`` in one
    step: on any failure (disk full, permission…) nothing is left behind and an existing file is
    untouched."""
    path = Path(path)
    name = shown_path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if not directory.is_dir():
            raise InputError(f"{name} : le dossier {shown_path(directory)} n'existe pas.")
        if path.is_dir():
            raise InputError(f"{name} : c'est un dossier ; donnez un nom de fichier.")
        handle, temporary = tempfile.mkstemp(prefix=".ce-", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"{name} : écriture impossible ({os_reason(error)}).") from None
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(content)
            output.flush()
            os.fsync(output.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{name} : écriture impossible ({os_reason(error)}) ; rien n'a été modifié.") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def os_reason(error: OSError) -> str:
    reasons = {
        errno.EACCES: "permission refusée", errno.EPERM: "opération non permise", errno.ENOSPC: "disque plein",
        errno.EDQUOT: "quota disque dépassé", errno.EFBIG: "fichier trop grand pour le système",
        errno.EROFS: "système de fichiers en lecture seule", errno.ENAMETOOLONG: "nom de fichier trop long",
        errno.EIO: "erreur d'entrée-sortie du disque", errno.EISDIR: "c'est un dossier",
    }
    return reasons.get(error.errno, "erreur du système de fichiers")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once, at import: changing it later would race with other threads