// Widget of contacts_lib.app.AutodiagnosticApp. The page itself is HTML made in Python
// (contacts_lib.page) and already shown by Voilà; this module binds to it: it sends what the person
// types or clicks, and shows what Python computes. Texts are set with textContent; the only HTML
// it inserts (the page when it is missing, the action plan) is escaped by Python.

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
// JupyterLab): ask Python for it, insert it and run its first-paint script.
async function insertPage(model, el) {
  const reply = onceMessage(model, "markup");
  model.send({ type: "markup" });
  const [buffer] = await reply;
  el.innerHTML = new TextDecoder().decode(buffer);
  for (const inert of el.querySelectorAll("script:not([type])")) {
    const script = document.createElement("script");
    script.textContent = inert.textContent;
    inert.replaceWith(script);
  }
  return document.getElementById(model.get("_dom_id"));
}

function answersInPage(root, count) {
  const answers = new Array(count).fill("");
  for (const radio of root.querySelectorAll("input[type=radio][data-question]:checked")) {
    answers[Number(radio.dataset.question) - 1] = radio.value;
  }
  return answers;
}

function bind(root, model) {
  const find = (selector) => root.querySelector(selector);
  const radios = [...root.querySelectorAll("input[type=radio][data-question]")];
  const fields = [...root.querySelectorAll("input[data-field]")];
  const fileInput = find(".ce-file");
  const pickBox = find(".ce-pick");
  const pickSelect = find(".ce-pick select");
  const errorBox = find(".ce-error");
  const infoBox = find(".ce-info");
  const radar = find(".ce-radar");
  const planBody = find(".ce-plan-body");

  function sendAnswers(answers) {
    model.set("answers", answers);
    model.save_changes();
  }
  function sendField(input) {
    model.set("header", { ...model.get("header"), [input.dataset.field]: input.value });
    model.save_changes();
  }
  function sendFile() {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    file.arrayBuffer().then((content) => {
      model.send({ type: "import", name: file.name }, undefined, [content]);
      fileInput.value = "";
    });
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
      answers[Number(radio.dataset.question) - 1] = radio.value;
      sendAnswers(answers);
    });
  }
  for (const input of fields) listen(input, "change", () => sendField(input));
  listen(fileInput, "change", sendFile);
  listen(find(".ce-pick-button"), "click", () => model.send({ type: "pick", index: Number(pickSelect.value) }));
  for (const button of root.querySelectorAll("[data-export]")) {
    listen(button, "click", () => model.send({ type: "export", format: button.dataset.export }));
  }

  // ---------------------------------------------------------------- updates from Python
  function showAnswers() {
    const answers = model.get("answers");
    for (const radio of radios) radio.checked = answers[Number(radio.dataset.question) - 1] === radio.value;
  }
  function showHeader() {
    const header = model.get("header");
    for (const input of fields) {
      const value = header[input.dataset.field] ?? "";
      if (input.value !== value) input.value = value;
    }
  }
  function showErrors() {
    const errors = model.get("field_errors");
    for (const input of fields) {
      const message = errors[input.dataset.field] || "";
      document.getElementById(input.getAttribute("aria-describedby")).textContent = message;
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }
  function showResults() {
    const results = model.get("results");
    for (const lever of results.levers) find(`[data-lever="${lever.key}"]`).textContent = lever.percent;
    find('[data-result="moyenne"]').textContent = results.moyenne;
    for (const line of root.querySelectorAll('[data-result="progress"]')) line.textContent = results.progress;
    find('[data-result="unanswered"]').textContent = results.unanswered;
    radar.setAttribute("aria-label", `Radar de couverture : ${results.summary}`);
    window.ceDraw(radar, results.figure, results.revision);
  }
  function showPlan() {
    planBody.innerHTML = model.get("plan_html"); // built and escaped by contacts_lib.page.plan_markup
  }
  function showNotice() {
    const notice = model.get("notice") || {};
    errorBox.textContent = notice.kind === "error" ? notice.text : "";
    infoBox.textContent = notice.kind === "info" ? notice.text : "";
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
  function download(message, buffers) {
    if (!message || message.type !== "download") return;
    const url = URL.createObjectURL(new Blob([buffers[0]], { type: message.mime }));
    const link = document.createElement("a");
    link.href = url;
    link.download = message.name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  const listeners = [
    ["change:answers", showAnswers],
    ["change:header", showHeader],
    ["change:field_errors", showErrors],
    ["change:results", showResults],
    ["change:plan_html", showPlan],
    ["change:notice", showNotice],
    ["change:choices", showChoices],
    ["msg:custom", download],
  ];
  for (const [event, listener] of listeners) model.on(event, listener);

  // What the person did before the widget connected is kept: it becomes the state.
  const typed = fields.filter((input) => input.value !== (model.get("header")[input.dataset.field] ?? ""));
  if (typed.length) {
    const header = { ...model.get("header") };
    for (const input of typed) header[input.dataset.field] = input.value;
    model.set("header", header);
    model.save_changes();
  }
  const clicked = answersInPage(root, model.get("answers").length);
  if (clicked.some((answer, index) => answer !== model.get("answers")[index])) sendAnswers(clicked);
  sendFile();
  showNotice();
  showChoices();
  root.dataset.live = "true";

  return () => {
    for (const [event, listener] of listeners) model.off(event, listener);
    for (const remove of handlers) remove();
    delete root.dataset.live;
  };
}

async function render({ model, el }) {
  const root = document.getElementById(model.get("_dom_id")) || (await insertPage(model, el));
  if (root.dataset.live) {
    // The same app displayed twice: one page is enough, and it is already live above.
    el.textContent = "Cette application est déjà affichée plus haut dans la page.";
    return () => {};
  }
  // Where the page could not preload plotly.js (JupyterLab), the kernel sends it on demand.
  window.ceAddPlotlyProvider?.(async () => {
    const reply = onceMessage(model, "plotly");
    model.send({ type: "plotly" });
    const [buffer] = await reply;
    return new TextDecoder().decode(buffer);
  });
  return bind(root, model);
}

export default { render };
