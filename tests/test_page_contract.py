"""The app's contract between Python and the page's scripts is declared once and kept.

Python writes the page and the scripts bind to it by the names of contacts_lib.autodiagnostic.contract,
which they receive as data: the names must be in the page, and nowhere written out in the
scripts.
"""

import re

import pytest

from contacts_lib.access import ACCESS_VARIABLE

from contacts_lib.autodiagnostic.contract import (
    ATTRIBUTES,
    BUTTON_CLASS,
    MESSAGES_TO_KERNEL,
    MESSAGES_TO_PAGE,
    PARTS,
    PLOTLY_URL,
    STATIC,
    STORAGE_PREFIX,
    TEXTS,
    page_contract,
)
from contacts_lib.autodiagnostic.page import AutodiagnosticApp
from contacts_lib.web.html import FIRST_PAINT
from contacts_lib.web.html import STATIC as WEB_STATIC
from tests.samples import ROOT

SCRIPTS = (STATIC / "page.js", STATIC / "autodiagnostic.js", WEB_STATIC / "kernel.js")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The page of an app that saves into a store, on a server with sign-in (the page with every part)."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("base")
        patch.setenv("CONTACTS_EFFICACES_BASE", str(folder / "base.sqlite"))
        (folder / "acces.csv").write_text("identifiant;role;perimetre\nana@example.fr;analyste;\n", encoding="utf-8")
        patch.setenv(ACCESS_VARIABLE, str(folder / "acces.csv"))
        return AutodiagnosticApp().page_html()


def _string_literals(script: str) -> list[str]:
    code = re.sub(r"^\s*//.*$", "", script, flags=re.M)  # comments may name things
    return re.findall(r"\"([^\"\\\n]*)\"|'([^'\\\n]*)'|`([^`]*)`", code)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_part_is_in_the_page(page, part):
    assert re.search(rf'class="([^"]* )?{PARTS[part]}( [^"]*)?"', page), part


@pytest.mark.parametrize("name", sorted(set(ATTRIBUTES) - {"live", "state"}))
def test_every_attribute_is_in_the_page(page, name):
    """``live`` and ``state`` are set by the scripts; the others are written by Python."""
    assert f" {ATTRIBUTES[name]}=" in page, name


def test_the_other_shared_names_are_in_the_page(page):
    assert PLOTLY_URL == "../../files/contacts_lib/autodiagnostic/static/plotly-radar.min.js"  # from a page's address
    assert f'class="{BUTTON_CLASS} ' in page
    assert "ceAutodiagnostic.start(" in page


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_scripts_write_no_name_of_the_contract(script):
    source = script.read_text(encoding="utf-8")
    literals = {value for groups in _string_literals(source) for value in groups if value}
    names = set(PARTS.values()) | set(ATTRIBUTES.values()) | {PLOTLY_URL, BUTTON_CLASS, STORAGE_PREFIX}
    written = {
        literal for literal in literals
        if literal in names or re.search(r"(^|[.\s\[])(ce-[\w-]+|data-(?!voila)[\w-]+)", literal)
    }
    assert written == set(), f"{script.name} writes names of the contract: {sorted(written)}"
    assert not re.search(r"\bsend\(\{\s*type:\s*[\"']", source), "message types come from contract.messages"
    for text in TEXTS.values():
        assert text[:25] not in source, "texts come from contract.texts"


def test_scripts_use_every_message_and_text_they_are_given():
    scripts = "".join(script.read_text(encoding="utf-8") for script in SCRIPTS)
    for message in set(MESSAGES_TO_KERNEL) | set(MESSAGES_TO_PAGE):
        assert f"messages.{message}" in scripts, message
    for name in TEXTS:
        assert f"texts.{name}" in scripts, name
    for key in page_contract():
        assert f"contract.{key}" in scripts or f"{key}" in ("parts", "attributes", "messages", "texts"), key


def test_the_voila_template_writes_first_paint_outputs_into_the_page():
    template = (ROOT / "share" / "jupyter" / "voila" / "templates" / "contacts" / "index.html.j2").read_text()
    assert f"output.metadata.get('{FIRST_PAINT}')" in template


def test_the_page_states_the_upload_limit_the_scripts_check(page):
    from contacts_lib.autodiagnostic.contract import UPLOAD_LIMIT_BYTES, megabytes

    assert megabytes(UPLOAD_LIMIT_BYTES) == "5 Mo"
    assert "modèle rempli), 5 Mo au plus" in page
    assert page_contract()["uploadLimitText"] == "5 Mo"
