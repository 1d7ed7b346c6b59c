// Draws the app's radar as soon as Voilà shows the page, before the widget has connected to the
// kernel; the widget (autodiagnostic.js) then redraws through the same functions. Classic script:
// it is inlined in the page's HTML output by contacts_lib.page.app_markup.
(function () {
  if (window.ceFirstPaint) return;
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

  // 1. In Voilà, the notebook's first cell loads plotly.js early with <script id="ce-plotly-preload">.
  function fromPreload() {
    var tag = document.getElementById("ce-plotly-preload");
    if (!tag || window.cePlotlyPreload === "error") return Promise.reject(new Error("pas de préchargement"));
    return new Promise(function (resolve, reject) {
      if (window.Plotly && window.Plotly.react) return resolve(window.Plotly);
      tag.addEventListener("load", function () { window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js absent")); });
      tag.addEventListener("error", function () { reject(new Error("plotly.js introuvable")); });
    });
  }

  // 2. Elsewhere (JupyterLab), the widget asks the kernel for the code.
  function fromSource() {
    var code = providers.length
      ? providers[providers.length - 1]()
      : new Promise(function (resolve, reject) { waiting.push({ resolve: resolve, reject: reject }); });
    return code.then(run);
  }

  window.ceAddPlotlyProvider = function (fetchCode) {
    providers.push(fetchCode);
    waiting.splice(0).forEach(function (pending) { fetchCode().then(pending.resolve, pending.reject); });
  };

  window.ceLoadPlotly = function () {
    if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = fromPreload().catch(fromSource);
      loading.catch(function () { loading = null; });
    }
    return loading;
  };

  function whenVisible(element) {
    return new Promise(function (resolve) {
      (function check() {
        if (element.offsetParent !== null && element.clientWidth > 0) resolve();
        else requestAnimationFrame(check);
      })();
    });
  }

  // Draw or update the radar in place; draws are chained so that the last one wins.
  window.ceDraw = function (radar, figure, revision) {
    var previous = radar.ceDrawing || Promise.resolve();
    radar.ceDrawing = previous
      .then(window.ceLoadPlotly)
      .then(function (Plotly) {
        return whenVisible(radar).then(function () {
          if (!radar.querySelector(".main-svg")) radar.textContent = ""; // an earlier failure's message
          var layout = Object.assign({}, figure.layout, { autosize: true });
          delete layout.height;
          delete layout.width;
          return Plotly.react(radar, figure.data, layout, { displayModeBar: false, responsive: true });
        });
      })
      .then(function () { radar.setAttribute("data-revision", String(revision)); })
      .catch(function (error) { radar.textContent = "Radar indisponible : " + error.message; });
    return radar.ceDrawing;
  };

  window.ceFirstPaint = function (id) {
    var root = document.getElementById(id);
    if (!root) return;
    var data = root.querySelector(".ce-figure");
    window.ceDraw(root.querySelector(".ce-radar"), JSON.parse(data.textContent), data.getAttribute("data-revision"));
  };
})();
