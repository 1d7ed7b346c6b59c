"""Hostile and messy files (the table in ``tests/hostile.py``): one exact French message each, exit
status 2, nothing printed before, no traceback, in bounded memory and time — measured with
resource limits on the process (500 MB of address space, 10 s of processor), not with timings —
in the CLI and in an upload to the app."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from contacts_lib import InputError
from contacts_lib.autodiagnostic.reference import example_path
from contacts_lib.messages import visible
from tests.hostile import ACCEPTED, CASES

MEMORY_BYTES = 500 * 1024 * 1024
CPU_SECONDS = 10
SCRIPT = Path(sys.executable).with_name("contacts-efficaces")


def _limits(file_bytes: int | None = None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
        if file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))

    return apply


def run_limited(*arguments: str, cwd: Path, file_bytes: int | None = None, stdout=subprocess.PIPE):
    """The CLI as a user runs it, in a process that may not use more than the limits."""
    return subprocess.run(
        [str(SCRIPT), *arguments], stdout=stdout, stderr=subprocess.PIPE, cwd=cwd, timeout=120,
        preexec_fn=_limits(file_bytes), check=False,
    )


def _assert_one_message(result, message: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])  # -24: out of time; MemoryError: out of memory
    assert result.stdout in (b"", None)
    assert result.stderr.decode("utf-8") == f"contacts-efficaces : {message}\n"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_file_gets_its_french_message_in_bounded_memory_and_time(case, tmp_path):
    case.make(tmp_path)
    # A good file first: its results must not be printed when a later file is bad.
    result = run_limited(*case.command, str(example_path()), case.name, cwd=tmp_path)
    _assert_one_message(result, case.message)


@pytest.mark.parametrize("case", ACCEPTED, ids=[case.id for case in ACCEPTED])
def test_odd_but_good_file_is_scored_in_bounded_memory_and_time(case, tmp_path):
    case.make(tmp_path)
    result = run_limited("score", "--csv", case.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == b""
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines[0] == "structure,orientation,excellence,pilotage,innovation,moyenne,reponses"
    assert len(lines) >= 2


def test_the_app_refuses_the_same_uploads_with_the_same_messages_in_bounded_memory_and_time(tmp_path):
    """Every hostile file that can be uploaded, handed to one app (as a kernel holds it): the
    message beside the import button, the form untouched, the process within the limits."""
    from contacts_lib.autodiagnostic.contract import (
        TEXTS,
        UPLOAD_LIMIT_BYTES,
        megabytes,
    )
    from contacts_lib.autodiagnostic.page import french_text

    uploads = [case for case in CASES if case.upload]
    expected = {}
    for number, case in enumerate(uploads):
        folder = tmp_path / str(number)
        folder.mkdir()
        content = case.content(folder)
        if len(content) > UPLOAD_LIMIT_BYTES:
            text = TEXTS["uploadTooBig"].format(name=case.name, size=megabytes(len(content)), limit=megabytes(UPLOAD_LIMIT_BYTES))
        else:
            text = f"Import impossible : {case.message}"
        expected[case.id] = (str(folder / case.name), case.name, french_text(text))
    (tmp_path / "cases.json").write_text(json.dumps(expected), encoding="utf-8")
    child = textwrap.dedent(f"""
        import json, resource, sys
        from pathlib import Path
        from contacts_lib.autodiagnostic.page import AutodiagnosticApp

        def status(field):  # VmSize: address space; VmHWM: peak resident memory of this program
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024

        app = AutodiagnosticApp()
        app.header = {{**app.header, "structure": "Déjà saisi"}}
        app.answers = ["OUI"] + [""] * 35
        # The app and its libraries are loaded: from here on, at most {MEMORY_BYTES} bytes more.
        resource.setrlimit(resource.RLIMIT_AS, (status("VmSize") + {MEMORY_BYTES}, resource.RLIM_INFINITY))
        seen = {{}}
        for case, (path, name, _) in json.loads(Path(sys.argv[1]).read_text()).items():
            used = resource.getrusage(resource.RUSAGE_SELF)
            resource.setrlimit(resource.RLIMIT_CPU, (int(used.ru_utime + used.ru_stime) + {CPU_SECONDS}, resource.RLIM_INFINITY))
            app.import_file(Path(path).read_bytes(), name)
            seen[case] = [app.notice["text"], app.header["structure"], app.answers[0]]
        seen["peak RSS (MB)"] = status("VmHWM") / 2**20
        print(json.dumps(seen))
    """)
    result = subprocess.run(
        [sys.executable, "-c", child, str(tmp_path / "cases.json")], capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout)
    assert seen.pop("peak RSS (MB)") < MEMORY_BYTES / 2**20
    wrong = {case: (seen[case][0], text) for case, (_, _, text) in expected.items() if seen[case][0] != text}
    assert wrong == {}
    assert {tuple(values[1:]) for values in seen.values()} == {("Déjà saisi", "OUI")}  # nothing typed was lost


# --------------------------------------------------------------------------- output that cannot be written


def test_output_to_a_full_device_is_a_french_message(tmp_path):
    with open("/dev/full", "wb") as full:
        result = run_limited("score", str(example_path()), cwd=tmp_path, stdout=full)
    assert result.returncode == 2
    assert result.stderr.decode() == "contacts-efficaces : écriture impossible sur la sortie standard (disque plein).\n"


def test_output_to_a_closed_pipe_ends_quietly(tmp_path):
    """``contacts-efficaces score … | head -1``: the reader leaves early; no message, no traceback."""
    big = tmp_path / "reseau.csv"
    rows = [",".join(["structure", *(f"q{n:02d}" for n in range(1, 37))])]
    rows += [f"CAF {i}," + ",".join(["OUI"] * 36) for i in range(20_000)]
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = subprocess.run(
        f"'{SCRIPT}' score --csv reseau.csv | head -1", shell=True, cwd=tmp_path, capture_output=True, timeout=120,
        executable="/bin/bash",
    )
    assert result.stdout == b"structure,orientation,excellence,pilotage,innovation,moyenne,reponses\n"
    assert result.stderr == b""


def test_template_onto_a_full_disk_says_so_and_leaves_nothing(tmp_path):
    """The disk fills up while the workbook is written (a file size limit stands for it here)."""
    (tmp_path / "ancien.xlsx").write_bytes(b"previous content")
    result = run_limited("template", "--force", "ancien.xlsx", cwd=tmp_path, file_bytes=4096)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "contacts-efficaces : ancien.xlsx : écriture impossible (fichier trop grand pour le système) ; "
        "rien n'a été modifié.\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["ancien.xlsx"]
    assert (tmp_path / "ancien.xlsx").read_bytes() == b"previous content"


def test_template_onto_a_folder_or_a_missing_folder(tmp_path):
    (tmp_path / "dossier.xlsx").mkdir()
    result = run_limited("template", "--force", "dossier.xlsx", cwd=tmp_path)
    _assert_one_message(result, "dossier.xlsx : c'est un dossier ; donnez un nom de fichier.")
    result = run_limited("template", "absent/modele.xlsx", cwd=tmp_path)
    _assert_one_message(result, "absent/modele.xlsx : le dossier absent n'existe pas.")
    result = run_limited("template", "f" * 300 + ".xlsx", cwd=tmp_path)
    _assert_one_message(result, "f" * 300 + ".xlsx : écriture impossible (nom de fichier trop long).")


def test_a_file_the_user_may_not_read(tmp_path, monkeypatch):
    """Permissions (tested in the process: this machine's tests may run as root, who reads all)."""
    from contacts_lib.formats import files, read_autodiagnostics

    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "open", refused)
    with pytest.raises(InputError) as caught:
        read_autodiagnostics(tmp_path / "prive" / "f.csv")
    assert str(caught.value) == f"{tmp_path}/prive/f.csv : lecture refusée (permissions du fichier ou de son dossier)."


def test_a_failed_replace_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    from contacts_lib.formats import files, write_workbook

    target = tmp_path / "modele.xlsx"
    target.write_bytes(b"previous content")

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(InputError, match="écriture impossible \\(disque plein\\) ; rien n'a été modifié"):
        write_workbook(None, target)
    assert target.read_bytes() == b"previous content"
    assert os.listdir(tmp_path) == ["modele.xlsx"]


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    name = os.fsdecode(b"r\xe9seau.csv")
    result = run_limited("score", name, cwd=tmp_path)
    _assert_one_message(result, "r\\udce9seau.csv : fichier introuvable.")
    assert visible(name) == "r\\udce9seau.csv"


def test_the_table_covers_every_kind_of_file():
    assert len(CASES) >= 200
    assert {Path(case.name).suffix for case in CASES} >= {".csv", ".json", ".xlsx", ".txt", ".xls", ".ods", ""}


def test_a_shown_name_or_value_is_one_line_whatever_it_holds():
    from contacts_lib.messages import show_value

    assert visible("a\nb\tc\rd\u2028e\x1bf") == "a\\nb\\tc\\rd\\u2028e\\x1bf"
    for text in ("réseau\n2026.csv", "CAF\r\nIsère", "x\u2029y", "\x85z"):
        assert len(visible(text).splitlines()) == 1 and len(show_value(text).splitlines()) == 1
