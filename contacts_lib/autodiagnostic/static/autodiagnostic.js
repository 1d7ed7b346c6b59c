// Widget of contacts_lib.autodiagnostic.page.AutodiagnosticApp. The page itself is HTML made in Python
// (contacts_lib.autodiagnostic.markup) and already shown, with its page script (page.js) running; this module binds
// the page to the kernel: it sends what the person types or clicks, shows what Python computes,
// and tells the page script when the kernel is connected or lost. Texts are set with
// textContent; the only HTML it inserts (the page when it is missing, the action plan) is
// escaped by Python. Every class, attribute and message name comes from the page contract
// (contacts_lib.autodiagnostic.contract), which the widget receives as its `_contract` trait.

function onceMessage(model, type) {
  return new Promise((resolve) => {
    const listener = (message, buffers) => {
      if (message && message.type === type) {
        model.off("msg:custom", listener);
        resolve(buffers);
      }
    };
    model.on("msg:custom", listener);
  });
}

// The page is missing when the notebook's HTML output is not there (a notebook reopened in
// JupyterLab): ask Python for it, insert it and run its script.
async function insertPage(model, el, messages) {
  const reply = onceMessage(model, messages.markup);
  model.send({ type: messages.markup });
  const [buffer] = await reply;
  el.innerHTML = new TextDecoder().decode(buffer);
  const root = document.getElementById(model.get("_dom_id"));
  runPageScripts(root);
  return root;
}

function bind(root, model, page, contract) {
  const { parts, attributes: attr, messages } = contract;
  const find = (name) => root.querySelector(parts[name]);
  const radios = [...root.querySelectorAll(`input[type=radio][${attr.question}]`)];
  const fields = [...root.querySelectorAll(`input[${attr.field}]`)];
  const fileInput = find("file");
  const pickBox = find("pick");
  const pickSelect = pickBox.querySelector("select");
  const radar = find("radar");
  const planBody = find("planBody");
  const versionsBox = find("versions"); // only when the app saves into a store
  const versionSelect = versionsBox && versionsBox.querySelector("select");

  // ---------------------------------------------------------------- the kernel's heartbeat
  // In Voilà, a kernel that stops answering (killed, restarted, culled) is lost: the page keeps
  // the answers and reloads. What counts is pings left unanswered, not time: a hidden tab's timers
  // slow down, and its kernel is no less there. Reading a file or building an export may take a
  // while: meanwhile silence is allowed. (In JupyterLab the notebook's kernel is JupyterLab's to
  // watch: a long cell would look like a lost kernel.)
  let unanswered = 0;
  let busyUntil = 0;
  const allowedSilence = Math.ceil(contract.connectionLostMs / contract.pingIntervalMs);
  function alive() {
    unanswered = 0;
  }
  function send(message, buffers) {
    try {
      model.send(message, undefined, buffers);
    } catch (error) {
      page.lost();
    }
  }
  // An action (export, save, import…) carries the form as the page shows it: the widget library
  // holds back changes of the form while an earlier one is on its way, and the action's message
  // would overtake them; the kernel takes this form first, so the last keystroke counts.
  function act(message, buffers) {
    send({ ...message, form: page.state() }, buffers);
  }
  function busy() {
    busyUntil = Date.now() + contract.busyAllowanceMs;
  }
  const heartbeat = page.inVoila
    ? setInterval(() => {
        if (Date.now() < busyUntil) return;
        if (unanswered >= allowedSilence) {
          clearInterval(heartbeat);
          page.lost();
          return;
        }
        unanswered += 1;
        send({ type: messages.ping });
      }, contract.pingIntervalMs)
    : null;

  // ---------------------------------------------------------------- what the person does
  function sendAnswers(answers) {
    model.set("answers", answers);
    model.save_changes();
  }
  // Comments, evidence and the plan d'actions: sent as they stand in the page, a moment after the
  // last keystroke or click (the page edits them; Python checks them and says what follows).
  let followupTimer = null;
  function sendFollowup() {
    clearTimeout(followupTimer);
    followupTimer = setTimeout(() => {
      const notes = page.notes();
      const plan = page.plan();
      if (JSON.stringify(notes) !== JSON.stringify(model.get("notes"))) model.set("notes", notes);
      if (JSON.stringify(plan) !== JSON.stringify(model.get("plan"))) model.set("plan", plan);
      model.save_changes();
    }, 300);
  }
  function inFollowup(target) {
    return target.matches(`textarea[${attr.note}]`) || Boolean(target.closest(parts.planEditor)) ||
      target.matches(`[${attr.planAdd}], [${attr.planRemove}], ${parts.planSort}`) ||
      Boolean(target.closest(`[${attr.planAdd}], [${attr.planRemove}], ${parts.planSort}`));
  }
  function sendField(input) {
    model.set("header", { ...model.get("header"), [input.getAttribute(attr.field)]: input.value });
    model.save_changes();
  }
  function sendFile() {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    const refused = page.checkFile(file);
    fileInput.value = "";
    if (refused) {
      page.notice("import", "error", refused);
      return;
    }
    busy();
    file.arrayBuffer().then((content) => act({ type: messages.import, name: file.name }, [content]));
  }

  const handlers = [];
  function listen(target, event, handler) {
    target.addEventListener(event, handler);
    handlers.push(() => target.removeEventListener(event, handler));
  }
  for (const radio of radios) {
    listen(radio, "change", () => {
      if (!radio.checked) return;
      const answers = [...model.get("answers")];
      answers[Number(radio.getAttribute(attr.question)) - 1] = radio.value;
      sendAnswers(answers);
    });
  }
  for (const input of fields) listen(input, "change", () => sendField(input));
  for (const event of ["input", "change", "click"]) {
    listen(root, event, (happened) => {
      if (inFollowup(happened.target)) sendFollowup();
    });
  }
  listen(fileInput, "change", sendFile);
  listen(find("pickButton"), "click", () => act({ type: messages.pick, index: Number(pickSelect.value) }));
  if (versionsBox) {
    send({ type: messages.visitor }); // a server with sign-in says who is signed in, and their structures
    listen(find("save"), "click", () => {
      busy();
      act({ type: messages.save });
    });
    listen(find("versionButton"), "click", () => act({ type: messages.version, id: Number(versionSelect.value) }));
  }
  for (const button of root.querySelectorAll(`[${attr.export}]`)) {
    listen(button, "click", () => {
      busy();
      act({ type: messages.export, format: button.getAttribute(attr.export) });
    });
  }

  // ---------------------------------------------------------------- updates from Python
  function showAnswers() {
    const answers = model.get("answers");
    for (const radio of radios) radio.checked = answers[Number(radio.getAttribute(attr.question)) - 1] === radio.value;
    page.save();
  }
  function showHeader() {
    const header = model.get("header");
    for (const input of fields) {
      const value = header[input.getAttribute(attr.field)] ?? "";
      if (input.value !== value) input.value = value;
    }
    page.save();
  }
  function showErrors() {
    const errors = model.get("field_errors");
    for (const input of fields) {
      const message = errors[input.getAttribute(attr.field)] || "";
      document.getElementById(input.getAttribute("aria-describedby")).textContent = message;
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }
  function showResults() {
    const results = model.get("results");
    for (const lever of results.levers) {
      for (const cell of root.querySelectorAll(`[${attr.lever}="${lever.key}"]`)) cell.textContent = lever.percent;
    }
    for (const cell of root.querySelectorAll(`[${attr.result}="moyenne"]`)) cell.textContent = results.moyenne;
    for (const line of root.querySelectorAll(`[${attr.result}="progress"]`)) line.textContent = results.progress;
    root.querySelector(`[${attr.result}="unanswered"]`).textContent = results.unanswered;
    root.querySelector(`[${attr.result}="standing"]`).textContent = results.standing || "";
    root.querySelector(`[${attr.result}="since"]`).textContent = results.since || "";
    radar.setAttribute("aria-label", results.radar_label);
    window.ceAutodiagnostic.draw(radar, results.figure, results.revision, contract);
  }
  function showPlan() {
    planBody.innerHTML = model.get("plan_html"); // built and escaped by contacts_lib.autodiagnostic.markup.plan_markup
  }
  function showNotes() {
    if (JSON.stringify(model.get("notes")) === JSON.stringify(page.notes())) return;
    page.applyNotes(model.get("notes"));
    page.save();
  }
  function showActions() {
    if (JSON.stringify(model.get("plan")) === JSON.stringify(page.plan())) return; // the page's own edit, back
    page.applyPlan(model.get("plan"));
    showPlanErrors();
    page.save();
  }
  function showFollowup() {
    find("planFollowup").innerHTML = model.get("followup_html"); // built and escaped by markup.followup_markup
  }
  function showPlanErrors() {
    const errors = model.get("plan_errors");
    for (const box of page.actions()) {
      const message = errors[box.getAttribute(attr.action)] || "";
      box.querySelector(parts.actionError).textContent = message;
      if (message) box.setAttribute("aria-invalid", "true");
      else box.removeAttribute("aria-invalid");
    }
  }
  function showNotice() {
    const notice = model.get("notice") || {};
    if (!notice.place) return;
    busyUntil = 0;
    alive();
    page.notice(notice.place, notice.kind, notice.text);
    const field = notice.field && root.querySelector(`input[${attr.field}="${notice.field}"]`);
    if (field) {
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    }
  }
  function showChoices() {
    const choices = model.get("choices");
    pickBox.hidden = choices.length < 2;
    pickSelect.replaceChildren(
      ...choices.map((name, index) => {
        const option = document.createElement("option");
        option.value = String(index);
        option.textContent = name;
        return option;
      }),
    );
  }
  function showVersions() {
    if (!versionsBox) return;
    const versions = model.get("versions");
    versionsBox.hidden = versions.length === 0;
    versionSelect.replaceChildren(
      ...versions.map((version) => {
        const option = document.createElement("option");
        option.value = String(version.id);
        option.textContent = version.label;
        return option;
      }),
    );
  }
  function showVisitor() {
    const box = find("signedIn");
    if (!box) return;
    const visitor = model.get("visitor");
    box.querySelector(parts.signedInText).textContent = visitor.text || "";
    const offered = root.querySelector("datalist");
    const name = root.querySelector(`[${attr.field}="structure"]`);
    if (!offered || !name) return;
    offered.replaceChildren(
      ...(visitor.offered || []).map((structure) => {
        const option = document.createElement("option");
        option.value = structure;
        return option;
      }),
    );
    name.setAttribute("list", offered.id);
  }
  function onMessage(message, buffers) {
    alive(); // any message says the kernel is there
    if (!message || message.type === messages.pong) return; // the answer to a ping says only that
    if (message.type === messages.saved) {
      page.exportedFile(); // kept in the store: leaving loses nothing
      return;
    }
    if (message.type !== messages.download) return; // the other replies are awaited where asked
    busyUntil = 0;
    const url = URL.createObjectURL(new Blob([buffers[0]], { type: message.mime }));
    const link = document.createElement("a");
    link.href = url;
    link.download = message.name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    page.exportedFile();
  }

  const listeners = [
    ["change:answers", showAnswers],
    ["change:header", showHeader],
    ["change:field_errors", showErrors],
    ["change:results", showResults],
    ["change:plan_html", showPlan],
    ["change:notes", showNotes],
    ["change:plan", showActions],
    ["change:followup_html", showFollowup],
    ["change:plan_errors", showPlanErrors],
    ["change:notice", showNotice],
    ["change:choices", showChoices],
    ["change:versions", showVersions],
    ["change:visitor", showVisitor],
    ["msg:custom", onMessage],
  ];
  for (const [event, listener] of listeners) model.on(event, listener);
  model.on("change", alive);

  // What the person did before the widget connected (or what the page restored) is kept: it
  // becomes the state.
  const state = page.state();
  const typed = fields.filter((input) => input.value !== (model.get("header")[input.getAttribute(attr.field)] ?? ""));
  if (typed.length) {
    const header = { ...model.get("header") };
    for (const input of typed) header[input.getAttribute(attr.field)] = input.value;
    model.set("header", header);
    model.save_changes();
  }
  if (state.answers.some((answer, index) => answer !== model.get("answers")[index])) sendAnswers(state.answers);
  if (JSON.stringify(state.notes) !== JSON.stringify(model.get("notes")) || JSON.stringify(state.plan) !== JSON.stringify(model.get("plan"))) {
    model.set("notes", state.notes);
    model.set("plan", state.plan);
    model.save_changes();
  }
  sendFile();
  showChoices();
  showVersions();
  page.connected({
    // The blank form becomes the model's too, so that a change held back cannot bring answers back.
    reset: (blank) => {
      model.set("header", { ...blank.header });
      model.set("answers", blank.answers);
      model.set("notes", blank.notes);
      model.set("plan", blank.plan);
      model.save_changes();
      send({ type: messages.reset, form: blank });
    },
  });
  // The page shows an SVG radar: plotly.js takes over once the page has nothing more urgent to do.
  const upgrade = () => {
    const results = model.get("results");
    window.ceAutodiagnostic.draw(radar, results.figure, results.revision, contract);
  };
  if (window.requestIdleCallback) window.requestIdleCallback(upgrade, { timeout: 2000 });
  else setTimeout(upgrade, 500);

  return () => {
    clearInterval(heartbeat);
    clearTimeout(followupTimer);
    for (const [event, listener] of listeners) model.off(event, listener);
    model.off("change", alive);
    for (const remove of handlers) remove();
    page.disconnected();
  };
}

// The page script did not run when the notebook is not trusted in JupyterLab (its outputs'
// scripts are not run): run the scripts that follow the page's markup.
function runPageScripts(root) {
  for (const inert of root.parentElement.querySelectorAll("script:not([type])")) {
    const script = document.createElement("script");
    script.textContent = inert.textContent;
    inert.replaceWith(script);
  }
}

// The page, bound to its model (one binding per page, whichever of initialize or render comes first).
function connect(model, root) {
  const contract = model.get("_contract");
  const id = model.get("_dom_id");
  if (!window.ceAutodiagnostic || !window.ceAutodiagnostic.page(id)) runPageScripts(root);
  const page = window.ceAutodiagnostic.page(id);
  // Where the page could not preload plotly.js (JupyterLab), the kernel sends it on demand.
  window.ceAutodiagnostic.addPlotlyProvider(async () => {
    const reply = onceMessage(model, contract.messages.plotly);
    model.send({ type: contract.messages.plotly });
    const [buffer] = await reply;
    return new TextDecoder().decode(buffer);
  });
  return bind(root, model, page, contract);
}

// In Voilà the page is already there (first paint) when the model is created: binding then,
// without waiting for the widget's view, makes the page live sooner (the view is created only
// after the widget manager has polled for the model), and a view that could not be displayed
// changes nothing.
function initialize({ model }) {
  const root = document.getElementById(model.get("_dom_id"));
  if (!root || root.hasAttribute(model.get("_contract").attributes.live)) return undefined;
  return connect(model, root);
}

// Elsewhere (JupyterLab), the model may come before the page's output: bind when displayed,
// inserting the page if it is missing.
const shown = new Set();
async function render({ model, el }) {
  const contract = model.get("_contract");
  const id = model.get("_dom_id");
  const root = document.getElementById(id) || (await insertPage(model, el, contract.messages));
  const again = shown.has(id);
  shown.add(id);
  if (!root.hasAttribute(contract.attributes.live)) return connect(model, root);
  // The same app displayed twice: one page is enough, and it is already live above.
  if (again) el.textContent = contract.texts.alreadyShown;
  return () => {};
}

export default { initialize, render };
