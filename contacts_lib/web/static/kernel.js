// The page's Voilà context, shared by the tool's pages (inlined by contacts_lib.web.html and
// contacts_lib.web.landing):
// - ceInVoila(): whether the page is served by Voilà (elsewhere, in JupyterLab, the notebook's
//   kernel and page belong to JupyterLab, and the tool's pages leave them alone);
// - ceReleaseKernel(): gives the page's kernel back to the server, with the request Voilà's own
//   front end sends when a page is closed and the xsrf token of the page's cookie (set by
//   contacts_lib.hosting).
window.ceInVoila = window.ceInVoila || function () {
  return Boolean(document.body) && document.body.getAttribute("data-voila") === "voila";
};

window.ceReleaseKernel = window.ceReleaseKernel || function () {
  var config = document.getElementById("jupyter-config-data");
  if (!config || !navigator.sendBeacon || !window.ceInVoila()) return false;
  try {
    var settings = JSON.parse(config.textContent);
    if (!settings.kernelId) return false;
    var xsrf = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    var form = new FormData();
    form.append("_xsrf", xsrf ? decodeURIComponent(xsrf[1]) : "");
    return navigator.sendBeacon(String(settings.baseUrl || "/").replace(/\/?$/, "/") + "voila/api/shutdown/" + settings.kernelId, form);
  } catch (error) {
    return false; // nothing more can be done while the page goes
  }
};
