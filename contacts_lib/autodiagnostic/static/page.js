// The app's page script. It is inlined in the page by contacts_lib.autodiagnostic.markup.app_markup and started at
// once (ceAutodiagnostic.start), so it works before the widget (autodiagnostic.js) connects to the
// kernel, and whatever becomes of that connection:
// - it draws the radar with plotly.js for the widget (the page shows an SVG radar until then);
// - it keeps the answers in progress in the browser (localStorage, one entry per notebook) and
//   puts them back on a reload or after a lost kernel, with a notice and « Recommencer à zéro »;
// - it shows the connection state, and reloads the page when the kernel is lost;
// - it frees the kernel when the person leaves, and warns before leaving work not exported;
// - it refuses a file over the upload limit before anything is sent;
// - it edits the plan d'actions: one copy of the page's action template per action (added from
//   the axes d'amélioration, removed, sorted by gain ÷ effort), and shows the evidence's
//   http(s) addresses as links.
// Every class, attribute, limit and text it uses comes from contacts_lib.autodiagnostic.contract, as data.
// All of this is for pages served by Voilà: in JupyterLab the script only draws the radar.
(function () {
  if (window.ceAutodiagnostic) return;

  // A text of the contract with its « {name} » parts filled in.
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // ------------------------------------------------------------------ plotly.js and the radar
  var loading = null;
  var providers = [];
  var waiting = [];

  function run(code) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () { URL.revokeObjectURL(url); resolve(window.Plotly); };
      script.onerror = function () { reject(new Error("plotly.js illisible")); };
      document.head.appendChild(script);
    });
  }

  // 1. In Voilà, from the server's static files.
  var plotlyUrl = null;
  function fromServer() {
    if (!plotlyUrl || !window.ceInVoila()) return Promise.reject(new Error("pas de serveur"));
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = plotlyUrl;
      script.onload = function () { window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js absent")); };
      script.onerror = function () { reject(new Error("plotly.js introuvable")); };
      document.head.appendChild(script);
    });
  }

  // 2. Elsewhere (JupyterLab), the widget asks the kernel for the code.
  function fromSource() {
    var code = providers.length
      ? providers[providers.length - 1]()
      : new Promise(function (resolve, reject) { waiting.push({ resolve: resolve, reject: reject }); });
    return code.then(run);
  }

  function addPlotlyProvider(fetchCode) {
    providers.push(fetchCode);
    waiting.splice(0).forEach(function (pending) { fetchCode().then(pending.resolve, pending.reject); });
  }

  function loadPlotly() {
    if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = fromServer().catch(fromSource);
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function whenVisible(element) {
    return new Promise(function (resolve) {
      (function check() {
        if (element.offsetParent !== null && element.clientWidth > 0) resolve();
        else requestAnimationFrame(check);
      })();
    });
  }

  // The radar follows its box's width, and only that: plotly's own « responsive » mode redraws on
  // every window resize event, and Voilà's front end sends some while the page starts.
  function followWidth(radar, Plotly) {
    if (radar.ceWidthObserver || !window.ResizeObserver) return;
    var width = radar.clientWidth;
    radar.ceWidthObserver = new ResizeObserver(function () {
      if (radar.clientWidth === width || radar.clientWidth === 0) return;
      width = radar.clientWidth;
      Plotly.Plots.resize(radar);
    });
    radar.ceWidthObserver.observe(radar);
  }

  // Draw or update the radar in place; draws are chained so that the last one wins.
  function draw(radar, figure, revision, contract) {
    var previous = radar.ceDrawing || Promise.resolve();
    radar.ceDrawing = previous
      .then(loadPlotly)
      .then(function (Plotly) {
        return whenVisible(radar).then(function () {
          if (!radar.querySelector(".main-svg")) radar.textContent = ""; // the SVG radar, or an earlier failure's message
          var layout = Object.assign({}, figure.layout, { autosize: true });
          delete layout.height;
          delete layout.width;
          return Plotly.react(radar, figure.data, layout, { displayModeBar: false }).then(function () {
            followWidth(radar, Plotly);
          });
        });
      })
      .then(function () { radar.setAttribute(contract.attributes.revision, String(revision)); })
      .catch(function (error) { radar.textContent = fill(contract.texts.radarUnavailable, { reason: error.message }); });
    return radar.ceDrawing;
  }

  // ------------------------------------------------------------------ one app on the page

  function storage(prefix) {
    try {
      var probe = prefix + "probe";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private browsing, storage disabled: the page works, without keeping answers
    }
  }

  function Page(root, contract, options) {
    this.root = root;
    this.contract = contract;
    this.texts = contract.texts;
    this.attributes = contract.attributes;
    this.inVoila = window.ceInVoila();
    this.example = options.example && location.search.indexOf(contract.exampleQuery) !== -1 ? options.example : null;
    // The example never touches the person's own answers; JupyterLab keeps its notebooks itself.
    this.store = this.example || !this.inVoila ? null : storage(contract.storagePrefix);
    // One entry per notebook, whatever comes before (Binder's « /user/<name>/ » changes per launch).
    this.key = contract.storagePrefix + location.pathname.replace(/^.*\/voila\/render\//, "");
    this.exported = false;
    this.leaving = false;
    this.isLost = false;
    this.bindings = null;
    this.connection = this.part("connection");
    this.initialPlan = options.plan || [];
  }

  Page.prototype.part = function (name) {
    return this.root.querySelector(this.contract.parts[name]);
  };

  Page.prototype.radios = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll("input[type=radio][" + this.attributes.question + "]"));
  };

  Page.prototype.fields = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll("input[" + this.attributes.field + "]"));
  };

  Page.prototype.all = function (selector) {
    return Array.prototype.slice.call(this.root.querySelectorAll(selector));
  };

  Page.prototype.noteFields = function () {
    return this.all("textarea[" + this.attributes.note + "]");
  };

  Page.prototype.actions = function () {
    return this.all(this.contract.parts.action + "[" + this.attributes.action + "]");
  };

  // The comments and evidence, as the kernel keeps them: { comments: { "7": "…" }, evidence: { … } }.
  Page.prototype.notes = function () {
    var notes = { comments: {}, evidence: {} };
    var attributes = this.attributes;
    this.noteFields().forEach(function (area) {
      if (area.value.trim()) notes[area.getAttribute(attributes.note)][area.getAttribute(attributes.noteQuestion)] = area.value;
    });
    return notes;
  };

  // The plan d'actions, in the order shown: every value a text, as typed.
  Page.prototype.plan = function () {
    var key = this.attributes.actionKey;
    var number = this.attributes.action;
    return this.actions().map(function (box) {
      var action = { pratique: box.getAttribute(number) };
      box.querySelectorAll("[" + key + "]").forEach(function (control) { action[control.getAttribute(key)] = control.value; });
      return action;
    });
  };

  // The form as it stands in the page: what the person sees is what is kept.
  Page.prototype.state = function () {
    var answers = [];
    var header = {};
    var question = this.attributes.question;
    var field = this.attributes.field;
    this.radios().forEach(function (radio) {
      var index = Number(radio.getAttribute(question)) - 1;
      if (answers[index] === undefined) answers[index] = "";
      if (radio.checked) answers[index] = radio.value;
    });
    this.fields().forEach(function (input) { header[input.getAttribute(field)] = input.value; });
    return { header: header, answers: answers, notes: this.notes(), plan: this.plan() };
  };

  Page.prototype.apply = function (state) {
    var question = this.attributes.question;
    var field = this.attributes.field;
    this.radios().forEach(function (radio) {
      radio.checked = (state.answers[Number(radio.getAttribute(question)) - 1] || "") === radio.value;
    });
    this.fields().forEach(function (input) { input.value = state.header[input.getAttribute(field)] || ""; });
    this.applyNotes(state.notes || {});
    this.applyPlan(state.plan || []);
  };

  Page.prototype.applyNotes = function (notes) {
    var attributes = this.attributes;
    var page = this;
    this.noteFields().forEach(function (area) {
      var value = (notes[area.getAttribute(attributes.note)] || {})[area.getAttribute(attributes.noteQuestion)] || "";
      if (area.value !== value) area.value = value;
      if (value) area.closest(page.contract.parts.note).open = true;
    });
    this.showLinks();
  };

  // The plan's boxes made again from a plan (a file imported, a version loaded, the browser's copy).
  Page.prototype.applyPlan = function (plan) {
    var editor = this.part("planEditor");
    var page = this;
    editor.replaceChildren.apply(editor, plan.map(function (action) { return page.actionBox(action); }));
    this.part("planEmpty").hidden = plan.length > 0;
  };

  // One action's box: a copy of the page's template, its title and values filled in as text.
  Page.prototype.actionBox = function (action) {
    var template = this.part("actionTemplate");
    var box = template.content.firstElementChild.cloneNode(true);
    var practice = this.contract.practices[action.pratique] || { label: action.pratique, steps: [] };
    box.setAttribute(this.attributes.action, action.pratique);
    box.querySelector(this.contract.parts.actionTitle).textContent = practice.label;
    var key = this.attributes.actionKey;
    box.querySelectorAll("[" + key + "]").forEach(function (control) {
      var value = action[control.getAttribute(key)];
      if (value === undefined) return;
      if (control.tagName === "SELECT" && !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) return;
      control.value = value;
    });
    return box;
  };

  Page.prototype.addAction = function (number) {
    var already = this.actions().some(function (box) { return box.getAttribute(this.attributes.action) === number; }, this);
    if (already) {
      this.notice("plan", "info", fill(this.texts.planAlready, { n: number }));
      return;
    }
    var practice = this.contract.practices[number];
    var box = this.actionBox({ pratique: number, etapes: practice.steps.join("\n"), statut: "a_faire" });
    this.part("planEditor").appendChild(box);
    this.part("planEmpty").hidden = true;
    this.notice("plan", "info", fill(this.texts.planAdded, { n: number }));
    this.changed();
    box.querySelector("textarea, input").focus({ preventScroll: true });
    box.scrollIntoView({ block: "nearest" });
  };

  // Gain ÷ effort, highest first; unmarked actions last; ties in practice order (as Python sorts).
  Page.prototype.sortPlan = function () {
    var page = this;
    var editor = this.part("planEditor");
    var key = this.attributes.actionKey;
    function priority(box) {
      var gain = Number(box.querySelector("[" + key + '="gain"]').value);
      var effort = Number(box.querySelector("[" + key + '="effort"]').value);
      return gain && effort ? gain / effort : -1;
    }
    var boxes = this.actions().sort(function (a, b) {
      return priority(b) - priority(a) || Number(a.getAttribute(page.attributes.action)) - Number(b.getAttribute(page.attributes.action));
    });
    boxes.forEach(function (box) { editor.appendChild(box); });
    this.notice("plan", "info", this.texts.planSorted);
    this.changed();
  };

  // Under each evidence, its http(s) addresses as links (opened in a new tab, without telling the
  // other site where they came from); any other text stays in its field, as text.
  Page.prototype.showLinks = function () {
    var attributes = this.attributes;
    var parts = this.contract.parts;
    this.all(parts.noteLinks).forEach(function (line) {
      var note = line.closest(parts.note);
      var area = note.querySelector("textarea[" + attributes.note + '="evidence"]');
      var found = (area.value.match(/https?:\/\/[^\s<>"'«»]+/gi) || []).map(function (text) { return text.replace(/[.,;:!?)\]]+$/, ""); });
      var links = [];
      found.forEach(function (address) {
        var url;
        try { url = new URL(address); } catch (error) { return; }
        if (url.protocol !== "http:" && url.protocol !== "https:") return;
        var link = document.createElement("a");
        link.href = url.href;
        link.textContent = address;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        links.push(link);
      });
      line.replaceChildren.apply(line, links);
      line.hidden = links.length === 0;
    });
  };

  function isBlank(state) {
    return state.answers.every(function (answer) { return !answer; }) &&
      Object.keys(state.header).every(function (key) { return !String(state.header[key]).trim(); }) &&
      !(state.plan || []).length &&
      Object.keys((state.notes || {}).comments || {}).length === 0 && Object.keys((state.notes || {}).evidence || {}).length === 0;
  }

  // The scores of the form as it stands, from the scoring rule Python gives as data
  // (contract.firstScores): shown at once for answers the page puts back itself (kept in this
  // browser, the recueil's example) and while the kernel is not connected yet; the kernel's own
  // results take over when they come.
  function scoresOf(rule, answers) {
    var numerator = 0;
    var levers = rule.levers.map(function (lever) {
      var count = lever.questions.filter(function (number) { return answers[number - 1] === rule.yes; }).length;
      numerator += count * lever.weight;
      return { key: lever.key, count: count, percent: lever.percents[count] };
    });
    var denominator = rule.denominator;
    var moyenne = Math.floor((200 * numerator + denominator) / (2 * denominator)); // half up, in integers
    var answered = answers.filter(function (answer) { return Boolean(answer); }).length;
    return { levers: levers, moyenne: moyenne, answered: answered };
  }

  Page.prototype.showScores = function (state) {
    var rule = this.contract.firstScores;
    var scores = scoresOf(rule, state.answers);
    var attributes = this.attributes;
    var root = this.root;
    var shares = {};
    scores.levers.forEach(function (lever) {
      root.querySelectorAll("[" + attributes.lever + '="' + lever.key + '"]').forEach(function (cell) { cell.textContent = lever.percent; });
      shares[lever.key] = lever.count;
    });
    root.querySelectorAll("[" + attributes.result + '="moyenne"]').forEach(function (cell) {
      cell.textContent = fill(rule.percent, { n: scores.moyenne });
    });
    root.querySelectorAll("[" + attributes.result + '="progress"]').forEach(function (line) { line.textContent = rule.progress[scores.answered]; });
    var unanswered = root.querySelector("[" + attributes.result + '="unanswered"]');
    if (unanswered) unanswered.textContent = rule.unanswered[rule.progress.length - 1 - scores.answered];
    // The SVG radar shown until plotly.js draws: its shape and points moved to the scores.
    var shape = root.querySelector(this.contract.parts.radarShape);
    if (!shape) return scores;
    var geometry = rule.radar;
    var points = rule.levers.map(function (lever, index) {
      var size = lever.questions.length;
      var distance = geometry.radius * shares[lever.key] / size;
      var angle = geometry.angles[index] * Math.PI / 180;
      return [geometry.cx + distance * Math.cos(angle), geometry.cy - distance * Math.sin(angle)];
    });
    shape.setAttribute("points", points.map(function (point) { return point[0].toFixed(2) + "," + point[1].toFixed(2); }).join(" "));
    root.querySelectorAll(this.contract.parts.radarPoint).forEach(function (circle, index) {
      if (!points[index]) return;
      circle.setAttribute("cx", points[index][0].toFixed(2));
      circle.setAttribute("cy", points[index][1].toFixed(2));
    });
    return scores;
  };

  // « Recommencer à zéro » is offered whenever the form holds anything (not on the example).
  Page.prototype.offerReset = function (state) {
    this.part("reset").hidden = Boolean(this.example) || isBlank(state || this.state());
  };

  Page.prototype.readStored = function () {
    if (!this.store) return null;
    try {
      var stored = JSON.parse(this.store.getItem(this.key));
      var count = this.contract.questionCount;
      if (!stored || !Array.isArray(stored.answers) || stored.answers.length !== count || typeof stored.header !== "object") return null;
      var values = this.radios().map(function (radio) { return radio.value; });
      var fine = stored.answers.every(function (a) { return values.indexOf(a) !== -1; }) &&
        Object.keys(stored.header).every(function (key) { return typeof stored.header[key] === "string"; });
      var texts = function (object) {
        return object && typeof object === "object" && Object.keys(object).every(function (key) { return typeof object[key] === "string"; });
      };
      // Comments, evidence and actions that do not read well are left out; the answers are kept.
      var practices = this.contract.practices;
      var notes = stored.notes && typeof stored.notes === "object" ? stored.notes : {};
      stored.notes = { comments: texts(notes.comments) ? notes.comments : {}, evidence: texts(notes.evidence) ? notes.evidence : {} };
      stored.plan = (Array.isArray(stored.plan) ? stored.plan : []).filter(function (action) {
        return texts(action) && Object.prototype.hasOwnProperty.call(practices, action.pratique);
      });
      return fine ? stored : null;
    } catch (error) {
      return null;
    }
  };

  Page.prototype.save = function () {
    var state = this.state();
    this.offerReset(state);
    if (!this.store) return;
    if (isBlank(state)) {
      this.store.removeItem(this.key);
      return;
    }
    state.savedAt = new Date().toISOString();
    state.exported = this.exported;
    try { this.store.setItem(this.key, JSON.stringify(state)); } catch (error) { /* storage full: nothing kept */ }
  };

  Page.prototype.changed = function () {
    this.exported = false;
    var page = this;
    var state = this.state();
    this.offerReset(state);
    if (!this.bindings) this.showScores(state); // once connected, the kernel's results come within a moment
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(function () { page.save(); }, 250);
  };

  Page.prototype.status = function (name, text, urgent) {
    var box = name === "connection" ? this.connection : this.part(name);
    box.setAttribute("role", urgent ? "alert" : "status");
    box.hidden = !text;
    var paragraph = box.querySelector("p") || box;
    paragraph.textContent = text || "";
    return box;
  };

  Page.prototype.offerReload = function (box) {
    if (box.querySelector("button")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = this.contract.buttonClass;
    button.textContent = this.texts.reload;
    var page = this;
    button.addEventListener("click", function () { page.reload(); });
    box.appendChild(button);
  };

  Page.prototype.reload = function () {
    this.save();
    this.leaving = true;
    location.reload();
  };

  Page.prototype.restore = function () {
    var restored = this.part("restored");
    var reset = this.part("reset");
    if (this.example) {
      this.apply(this.example);
      this.showScores(this.example);
      this.status("restored", this.texts.example);
      reset.hidden = true;
      var back = document.createElement("a");
      back.href = location.pathname;
      back.textContent = this.texts.exampleLeave;
      restored.appendChild(back);
      return true;
    }
    var stored = this.readStored();
    if (!stored || isBlank(stored)) return false;
    this.apply(stored);
    this.showScores(stored);
    this.offerReset(stored);
    this.exported = Boolean(stored.exported);
    var when = new Date(stored.savedAt);
    var date = isNaN(when) ? "?" : when.toLocaleDateString("fr-FR");
    var time = isNaN(when) ? "?" : when.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
    this.status("restored", fill(this.texts.restored, { date: date, time: time }));
    return true;
  };

  // The form emptied here at once, and what this browser keeps with it; the kernel is told with
  // the blank form itself, so that no change sent earlier can bring answers back.
  Page.prototype.reset = function () {
    if (!window.confirm(this.texts.resetConfirm)) return;
    clearTimeout(this.saveTimer); // a save still pending would put the old answers back
    this.apply({ header: {}, answers: [] });
    var blank = this.state();
    if (this.bindings) this.bindings.reset(blank);
    if (this.store) this.store.removeItem(this.key);
    this.exported = false;
    this.showScores(blank);
    this.status("restored", this.texts.resetDone);
    this.part("reset").hidden = true;
    var fileName = this.part("fileName");
    if (fileName) fileName.textContent = this.texts.noFile;
  };

  // A file over the limit is refused here, before anything is sent; returns the message or "".
  Page.prototype.checkFile = function (file) {
    if (!file || file.size <= this.contract.uploadLimitBytes) return "";
    var size = (file.size / (1024 * 1024)).toFixed(1).replace(".", ",").replace(/,0$/, "") + " Mo"; // as contract.megabytes
    return fill(this.texts.uploadTooBig, { name: file.name, size: size, limit: this.contract.uploadLimitText });
  };

  Page.prototype.notice = function (place, kind, text) {
    var error = this.part(place + "Error");
    var info = this.part(place + "Info");
    error.textContent = kind === "error" ? text : "";
    info.textContent = kind === "info" ? text : "";
  };

  // Kernel connected: the widget has bound to the page (autodiagnostic.js).
  Page.prototype.connected = function (bindings) {
    this.bindings = bindings;
    clearTimeout(this.connectTimer);
    clearTimeout(this.slowTimer);
    this.status("connection", "");
    this.root.setAttribute(this.attributes.live, "true");
  };

  Page.prototype.disconnected = function () {
    this.bindings = null;
    this.root.removeAttribute(this.attributes.live);
  };

  // The kernel no longer answers: keep the answers, say so, and reload to get a new kernel
  // (at most three times in five minutes, then only on request).
  Page.prototype.lost = function () {
    if (this.isLost) return;
    this.isLost = true;
    this.disconnected();
    this.save();
    var reloads = this.contract.storagePrefix + "reloads";
    var recent = [];
    try { recent = JSON.parse(sessionStorage.getItem(reloads) || "[]"); } catch (error) { recent = []; }
    var now = Date.now();
    recent = recent.filter(function (time) { return now - time < 300000; });
    var again = recent.length < 3;
    this.offerReload(this.status("connection", again ? this.texts.lost : this.texts.lostStay, true));
    if (!again) return;
    recent.push(now);
    try { sessionStorage.setItem(reloads, JSON.stringify(recent)); } catch (error) { /* no session storage */ }
    var page = this;
    setTimeout(function () { page.reload(); }, 3000);
  };

  Page.prototype.exportedFile = function () {
    this.exported = true;
    this.save();
  };

  // Leaving the page: free its kernel once the person has really left (« pagehide »), and warn
  // before leaving answers that were never exported. Voilà frees the kernel on « beforeunload »,
  // that is even when the person then chooses to stay: its listener is stopped here.
  Page.prototype.watchLeaving = function () {
    var page = this;
    window.addEventListener("beforeunload", function (event) {
      event.stopImmediatePropagation();
      page.save();
      if (page.leaving || page.example || page.exported || isBlank(page.state())) return;
      event.preventDefault();
      event.returnValue = "";
    });
    window.addEventListener("pagehide", function () {
      page.save();
      window.ceReleaseKernel();
    });
    // Back to a page kept by the browser's back-forward cache: its kernel was given back on leaving.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) page.reload();
    });
  };

  Page.prototype.start = function () {
    var page = this;
    var root = this.root;
    this.applyPlan(this.initialPlan); // the plan the page was made with (what the browser kept replaces it)
    if (this.inVoila) this.restore();
    root.addEventListener("change", function (event) {
      if (event.target.matches("input[type=file]")) return;
      page.changed();
    });
    root.addEventListener("input", function (event) {
      page.changed();
      if (event.target.matches("textarea[" + page.attributes.note + "]")) page.showLinks();
    });
    this.part("reset").addEventListener("click", function () { page.reset(); });
    // The plan d'actions is edited here, before and after the kernel connects: the kernel gets it
    // with the rest of the form.
    root.addEventListener("click", function (event) {
      var add = event.target.closest("[" + page.attributes.planAdd + "]");
      var remove = event.target.closest("[" + page.attributes.planRemove + "]");
      if (add) page.addAction(add.getAttribute(page.attributes.planAdd));
      else if (remove) {
        remove.closest(page.contract.parts.action).remove();
        page.part("planEmpty").hidden = page.actions().length > 0;
        page.changed();
      } else if (event.target.closest(page.contract.parts.planSort)) page.sortPlan();
    });
    this.showLinks();
    var fileInput = this.part("file");
    var fileName = this.part("fileName");
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (file) fileName.textContent = file.name; // text, never markup
      var message = page.checkFile(file);
      if (message) {
        page.notice("import", "error", message);
        fileInput.value = "";
      }
    });
    // Before the widget connects, a click on an action says why nothing happens yet.
    root.addEventListener("click", function (event) {
      if (page.bindings) return;
      var exportButton = event.target.closest("[" + page.attributes.export + "]");
      if (exportButton) page.notice("export", "error", page.texts.noKernel);
      else if (event.target.closest(page.contract.parts.pickButton)) page.notice("import", "error", page.texts.noKernel);
    });
    if (this.inVoila) document.body.classList.add(this.contract.pageClass); // styles: page.css
    if (!this.inVoila) return; // in JupyterLab, the notebook's own kernel and page are JupyterLab's
    // The connection state concerns the whole page: it sits at the bottom of the screen, outside
    // Voilà's output areas (whose layout would make « position: fixed » relative to them).
    document.body.appendChild(this.connection);
    this.watchLeaving();
    this.connectTimer = setTimeout(function () { page.status("connection", page.texts.connecting); }, 2500);
    this.slowTimer = setTimeout(function () {
      page.offerReload(page.status("connection", page.texts.connectSlow, true));
    }, this.contract.connectTimeoutMs);
  };

  var pages = {};

  window.ceAutodiagnostic = {
    draw: draw,
    loadPlotly: loadPlotly,
    addPlotlyProvider: addPlotlyProvider,
    // Called right after the page's markup; returns the page's controller.
    start: function (id, contract, options) {
      var root = document.getElementById(id);
      if (!root) return null;
      if (pages[id] && pages[id].root === root) return pages[id]; // a page shown again gets a new controller
      plotlyUrl = contract.plotlyUrl;
      pages[id] = new Page(root, contract, options || {});
      pages[id].start();
      return pages[id];
    },
    page: function (id) { return pages[id]; },
    scoresOf: scoresOf, // the page's own scoring, compared with Python's by the tests
  };
})();
