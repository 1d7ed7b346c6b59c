// Gives a Voilà page's kernel back to the server: the request Voilà's own front end sends when a
// page is closed, with the xsrf token of the page's cookie (set by contacts_lib.hosting). Inlined
// in the pages by contacts_lib.page and contacts_lib.landing; does nothing outside Voilà.
window.ceReleaseKernel = window.ceReleaseKernel || function () {
  var config = document.getElementById("jupyter-config-data");
  if (!config || !navigator.sendBeacon || !document.body || document.body.getAttribute("data-voila") !== "voila") return false;
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
