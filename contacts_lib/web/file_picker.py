"""A file chooser for widget pages that speaks French whatever the browser's language, and says
what it received.

ipywidgets' ``FileUpload`` shows its own count of the files of the last choice (« (0) » once the
page has taken them), and the browser's own input says « Choose File » in an English browser. This
button hides the browser's input, sends the chosen files' bytes to the kernel, which hands them to
the page (``on_files``), and shows beside it what the page says of them (:attr:`status`, text).
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets


class FilePicker(anywidget.AnyWidget):
    """A button « ``label`` » that reads the files chosen (several when ``multiple``) and calls
    ``on_files([(name, bytes), …])``; ``status`` is the line shown beside the button."""

    _esm = """
    export default {
      render({ model, el }) {
        const input = document.createElement("input");
        input.type = "file";
        input.className = "ce-hidden-input";
        input.tabIndex = -1; // the button is the control, for the keyboard and screen readers alike
        input.setAttribute("aria-hidden", "true");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "jupyter-button ce-file-button";
        const status = document.createElement("span");
        status.className = "ce-file-status";
        status.setAttribute("aria-live", "polite");
        const show = () => {
          button.textContent = model.get("label");
          input.accept = model.get("accept");
          input.multiple = model.get("multiple");
          status.textContent = model.get("status"); // text, never markup
        };
        button.addEventListener("click", () => { input.value = ""; input.click(); });
        input.addEventListener("change", async () => {
          const files = [...(input.files || [])];
          if (!files.length) return;
          status.textContent = model.get("reading");
          const contents = await Promise.all(files.map((file) => file.arrayBuffer()));
          model.send({ type: "files", names: files.map((file) => file.name) }, undefined, contents);
        });
        model.on("change", show);
        show();
        el.classList.add("ce-file-picker");
        el.append(input, button, status);
      },
    };
    """
    _css = """
    .ce-file-picker { display: flex; flex-wrap: wrap; gap: 0.4em 0.8em; align-items: center; margin-right: 1em; }
    .ce-file-picker .ce-hidden-input { position: absolute; width: 1px; height: 1px; margin: 0; opacity: 0; clip-path: inset(50%); }
    .ce-file-picker .ce-file-status { color: #4a4a4a; overflow-wrap: anywhere; }
    """
    label = traitlets.Unicode("Choisir des fichiers").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(True).tag(sync=True)
    status = traitlets.Unicode("Aucun fichier choisi").tag(sync=True)
    #: What the line says while the browser reads the files chosen.
    reading = traitlets.Unicode("Lecture des fichiers…").tag(sync=True)

    def __init__(self, on_files: Callable[[list[tuple[str, bytes]]], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._on_files = on_files
        self.on_msg(self._on_message)

    def receive(self, files: list[tuple[str, bytes]]) -> None:
        """What the browser does once files are chosen (pytest calls it too)."""
        self._on_files(files)

    def _on_message(self, _widget, message, buffers) -> None:
        if not isinstance(message, dict) or message.get("type") != "files":
            return
        names = message.get("names")
        if not isinstance(names, list) or len(names) != len(buffers) or not all(isinstance(n, str) for n in names):
            self.status = "Fichiers illisibles : choisissez-les à nouveau."
            return
        self.receive([(name, bytes(content)) for name, content in zip(names, buffers, strict=True)])
