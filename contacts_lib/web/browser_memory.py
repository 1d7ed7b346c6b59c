"""What a widget page keeps in its visitor's browser (``localStorage``), so that a reload or a
lost kernel loses nothing typed: the workshop's files and choices, the unit costs typed.

A page subclasses :class:`BrowserMemory` with its own traits, named in ``parts``. When the page
is shown, what the browser kept under ``key`` is sent to the kernel (message ``restore``, the
page checks it before taking it back); each change of a part is kept again; ``empty`` true
removes it; a browser that cannot keep it (no room) says so (message ``full``).
"""

from __future__ import annotations

import anywidget
import traitlets


class BrowserMemory(anywidget.AnyWidget):
    _esm = """
    export default {
      render({ model }) {
        const key = model.get("key");
        const parts = model.get("parts");
        let kept = null;
        try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { kept = null; }
        if (kept && typeof kept === "object") model.send({ type: "restore", state: kept });
        const keep = () => {
          try {
            if (model.get("empty")) localStorage.removeItem(key);
            else localStorage.setItem(key, JSON.stringify(Object.fromEntries(parts.map((part) => [part, model.get(part)]))));
          } catch (error) {
            model.send({ type: "full" });
          }
        };
        for (const part of parts) model.on(`change:${part}`, keep);
        model.on("change:empty", keep);
      },
    };
    """
    key = traitlets.Unicode().tag(sync=True)
    #: The traits kept (each a synced trait of the subclass): kept apart, so that a change of one
    #: does not send the others again.
    parts = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: Nothing worth keeping: the browser forgets what it kept.
    empty = traitlets.Bool(True).tag(sync=True)
