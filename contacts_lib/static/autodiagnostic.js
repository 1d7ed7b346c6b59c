// Front end of contacts_lib.app.AutodiagnosticApp. It only renders what Python computes and sends
// back what the person typed or clicked. Every text is set with textContent: file contents and
// typed values are never interpreted as HTML.

let plotlyLoading = null;

function loadPlotly(model) {
  if (globalThis.Plotly && globalThis.Plotly.react) return Promise.resolve(globalThis.Plotly);
  if (!plotlyLoading) {
    const url = URL.createObjectURL(new Blob([model.get("_plotly_js")], { type: "text/javascript" }));
    plotlyLoading = import(/* webpackIgnore: true */ url).then(() => {
      URL.revokeObjectURL(url);
      return globalThis.Plotly;
    });
  }
  return plotlyLoading;
}

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const CHOICES = [
  ["OUI", "Oui"],
  ["NON", "Non"],
  ["", "Sans réponse"],
];

function render({ model, el }) {
  const uid = "ce" + Math.random().toString(36).slice(2, 8);
  const catalogue = model.get("_catalogue");
  el.classList.add("ce-app");
  el.setAttribute("lang", "fr");

  // ---------------------------------------------------------------- import
  const fileInput = h("input", { type: "file", id: `${uid}-file`, accept: ".json,.csv,.xlsx" });
  const errorBox = h("div", { class: "ce-notice ce-error", role: "alert" });
  const infoBox = h("div", { class: "ce-notice ce-info", role: "status" });
  const pickSelect = h("select", { id: `${uid}-pick` });
  const pickBox = h(
    "div",
    { class: "ce-pick", hidden: true },
    h("label", { for: `${uid}-pick`, text: "Structure à charger" }),
    pickSelect,
    h("button", {
      type: "button",
      class: "ce-button",
      text: "Remplir le formulaire avec cette structure",
      onclick: () => model.send({ type: "pick", index: Number(pickSelect.value) }),
    }),
  );
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    const content = await file.arrayBuffer();
    model.send({ type: "import", name: file.name }, undefined, [content]);
    fileInput.value = "";
  });
  const importSection = h(
    "section",
    { class: "ce-import", "aria-labelledby": `${uid}-import-title` },
    h("h2", { id: `${uid}-import-title`, text: "Importer un autodiagnostic" }),
    h("label", {
      for: `${uid}-file`,
      text: "Fichier JSON, CSV ou XLSX (par exemple le classeur modèle rempli) :",
    }),
    fileInput,
    pickBox,
    errorBox,
    infoBox,
  );

  // ---------------------------------------------------------------- form
  const headerInputs = {};
  const headerErrors = {};
  const headerFields = catalogue.header.map((field) => {
    const id = `${uid}-${field.key}`;
    const input = h("input", {
      id,
      name: field.key,
      type: field.kind === "date" ? "date" : "text",
      inputmode: field.kind === "count" ? "numeric" : false,
      autocomplete: "off",
      required: field.key === "structure",
      "aria-describedby": `${id}-error`,
    });
    input.addEventListener("change", () => {
      model.set("header", { ...model.get("header"), [field.key]: input.value });
      model.save_changes();
    });
    headerInputs[field.key] = input;
    headerErrors[field.key] = h("span", { id: `${id}-error`, class: "ce-field-error" });
    return h(
      "div",
      { class: "ce-field" },
      h("label", { for: id, text: field.label + (field.key === "structure" ? " (obligatoire)" : "") }),
      input,
      headerErrors[field.key],
    );
  });

  const progressTop = h("p", { class: "ce-progress" });
  const radios = [];
  const leverSections = catalogue.levers.map((lever) => {
    const questions = lever.questions.map((question) => {
      const index = question.number - 1;
      const group = CHOICES.map(([value, label]) => {
        const input = h("input", {
          type: "radio",
          name: `${uid}-${question.key}`,
          value,
          id: `${uid}-${question.key}-${value || "vide"}`,
        });
        input.addEventListener("change", () => {
          if (!input.checked) return;
          const answers = [...model.get("answers")];
          answers[index] = value;
          model.set("answers", answers);
          model.save_changes();
        });
        return input;
      });
      radios[index] = group;
      return h(
        "fieldset",
        { class: "ce-question", "data-question": question.number },
        h(
          "legend",
          {},
          h("span", { class: "ce-qnum", text: `${question.number}.` }),
          document.createTextNode(" " + question.text),
        ),
        h(
          "div",
          { class: "ce-choices" },
          ...group.map((input, i) => h("label", { for: input.id, class: "ce-choice" }, input, document.createTextNode(CHOICES[i][1]))),
        ),
      );
    });
    return h(
      "section",
      { class: "ce-lever", "aria-labelledby": `${uid}-lever-${lever.number}` },
      h("h3", { id: `${uid}-lever-${lever.number}`, text: `Levier ${lever.number} — ${lever.name} : ${lever.title}` }),
      ...questions,
    );
  });
  const form = h(
    "form",
    { class: "ce-form", "aria-labelledby": `${uid}-form-title`, onsubmit: (event) => event.preventDefault() },
    h("h2", { id: `${uid}-form-title`, text: "Questionnaire" }),
    h("fieldset", { class: "ce-header" }, h("legend", { text: "La structure" }), ...headerFields),
    progressTop,
    ...leverSections,
  );

  // ---------------------------------------------------------------- results
  const leverCells = {};
  const resultRows = catalogue.levers.map((lever) => {
    leverCells[lever.key] = h("td", { class: "ce-num" });
    return h("tr", {}, h("th", { scope: "row", text: `${lever.number}. ${lever.name}` }), leverCells[lever.key]);
  });
  const moyenneCell = h("td", { class: "ce-num" });
  const progress = h("p", { class: "ce-progress", "aria-live": "polite" });
  const unanswered = h("p", { class: "ce-unanswered" });
  const radar = h("div", { class: "ce-radar", role: "img" });
  const exportButtons = [
    ["xlsx", "Classeur Excel (.xlsx)"],
    ["json", "Fichier JSON"],
    ["html", "Rapport HTML (à imprimer)"],
  ].map(([format, label]) =>
    h("button", {
      type: "button",
      class: "ce-button",
      "data-export": format,
      text: label,
      onclick: () => model.send({ type: "export", format }),
    }),
  );
  const results = h(
    "aside",
    { class: "ce-results", "aria-labelledby": `${uid}-results-title` },
    h("h2", { id: `${uid}-results-title`, text: "Résultats" }),
    progress,
    h(
      "table",
      { class: "ce-scores" },
      h("caption", { text: "Pourcentage de bonnes pratiques appliquées, par levier" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Levier" }), h("th", { scope: "col", text: "Couverture" }))),
      h("tbody", {}, ...resultRows, h("tr", { class: "ce-total" }, h("th", { scope: "row", text: "Moyenne" }), moyenneCell)),
    ),
    unanswered,
    radar,
    h("h2", { text: "Exporter" }),
    h("div", { class: "ce-exports" }, ...exportButtons),
  );

  // ---------------------------------------------------------------- action plan
  const planBody = h("div", { class: "ce-plan-body" });
  const planSection = h(
    "section",
    { class: "ce-plan", "aria-labelledby": `${uid}-plan-title` },
    h("h2", { id: `${uid}-plan-title`, text: "Axes d'amélioration" }),
    h("p", { class: "ce-meta", text: "Bonnes pratiques pas encore en place, levier le plus faible d'abord." }),
    planBody,
  );

  el.append(importSection, h("div", { class: "ce-columns" }, form, results), planSection);

  // ---------------------------------------------------------------- updates from Python
  function showAnswers() {
    model.get("answers").forEach((answer, index) => {
      for (const input of radios[index]) input.checked = input.value === answer;
    });
  }

  function showHeader() {
    const header = model.get("header");
    for (const [key, input] of Object.entries(headerInputs)) {
      const value = header[key] ?? "";
      if (input.value !== value) input.value = value;
    }
  }

  function showErrors() {
    const errors = model.get("field_errors");
    for (const [key, input] of Object.entries(headerInputs)) {
      headerErrors[key].textContent = errors[key] || "";
      if (errors[key]) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  let drawing = Promise.resolve();
  function showResults() {
    const data = model.get("results");
    for (const lever of data.levers) leverCells[lever.key].textContent = lever.percent;
    moyenneCell.textContent = data.moyenne;
    progress.textContent = progressTop.textContent = data.progress;
    unanswered.textContent = data.unanswered;
    radar.setAttribute("aria-label", `Radar de couverture : ${data.summary}`);
    drawing = drawing
      .then(() => loadPlotly(model))
      .then((Plotly) =>
        Plotly.react(radar, data.figure.data, { ...data.figure.layout, autosize: true, height: undefined }, {
          displayModeBar: false,
          responsive: true,
        }),
      )
      .then(() => {
        radar.dataset.revision = String(data.revision);
      })
      .catch((error) => {
        radar.textContent = "Radar indisponible : " + error;
      });
  }

  function showPlan() {
    const plan = model.get("plan");
    const parts = plan.map((lever) =>
      h(
        "div",
        { class: "ce-plan-lever" },
        h("h3", { text: `${lever.lever} — ${lever.percent}` }),
        h("p", { class: "ce-meta", text: lever.title }),
        h(
          "ul",
          {},
          ...lever.practices.map((practice) =>
            h(
              "li",
              { class: "ce-practice" },
              h("span", { class: "ce-practice-title", text: `Bonne pratique n° ${practice.number} : ${practice.title}` }),
              h("span", {
                class: "ce-meta",
                text: `Retours d'expérience : ${practice.retours} — recueil, page ${practice.page}`,
              }),
              practice.fiche.length
                ? h(
                    "details",
                    { class: "ce-fiche" },
                    h("summary", { text: "Lire la fiche de la bonne pratique" }),
                    ...practice.fiche.map((section) =>
                      h("div", {}, h("h4", { text: section.title }), h("ul", {}, ...section.items.map((item) => h("li", { text: item })))),
                    ),
                  )
                : null,
            ),
          ),
        ),
      ),
    );
    planBody.replaceChildren(...(parts.length ? parts : [h("p", { text: "Toutes les bonnes pratiques sont en place." })]));
  }

  function showNotice() {
    const notice = model.get("notice") || {};
    errorBox.textContent = notice.kind === "error" ? notice.text : "";
    infoBox.textContent = notice.kind === "info" ? notice.text : "";
  }

  function showChoices() {
    const choices = model.get("choices");
    pickBox.hidden = choices.length < 2;
    pickSelect.replaceChildren(...choices.map((name, index) => h("option", { value: String(index), text: name })));
  }

  function download(message, buffers) {
    if (!message || message.type !== "download") return;
    const url = URL.createObjectURL(new Blob([buffers[0]], { type: message.mime }));
    const link = h("a", { href: url, download: message.name, hidden: true });
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
    ["change:plan", showPlan],
    ["change:notice", showNotice],
    ["change:choices", showChoices],
    ["msg:custom", download],
  ];
  for (const [event, listener] of listeners) model.on(event, listener);
  showHeader();
  showAnswers();
  showErrors();
  showResults();
  showPlan();
  showNotice();
  showChoices();
  return () => {
    for (const [event, listener] of listeners) model.off(event, listener);
  };
}

export default { render };
