"""Every page on a phone (390 × 844): the page never scrolls sideways; a wide figure or table
scales or scrolls inside its own box. Screenshots in tests/artifacts/telephone-*.png."""

from __future__ import annotations

import pytest

from contacts_lib.web.server import page_path
from tests.app_server import running_app
from tests.browser import PAGE_READY
from tests.samples import ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE = {"width": 390, "height": 844}
#: Elements reaching past the screen's right edge that are not inside a box of their own that
#: scrolls (a figure, a table), and the boxes that scroll sideways without being one of those.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const own = (el) => el.closest('.ce-svg, table, .ce-scroll');
  const name = (el) => `${el.tagName.toLowerCase()}.${String(el.className).trim().split(/\\s+/).join('.')}`.slice(0, 90);
  const wide = [], sideways = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !own(el)) wide.push(`${name(el)} → ${Math.round(box.right)} px`);
  }
  for (const el of [document.documentElement, document.body, ...document.querySelectorAll('body *')]) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && !own(el)
        && !el.matches('.ce-svg, table, .ce-scroll')) sideways.push(`${name(el)} ${el.scrollWidth} / ${el.clientWidth} px`);
  }
  return { width, wide: wide.slice(0, 10), sideways };
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as running:
        yield running


@pytest.mark.parametrize("notebook", list(PAGE_READY))
def test_the_page_fits_a_phones_width(browser, server, notebook):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(server.url + page_path(notebook), timeout=180_000)
    page.wait_for_selector(PAGE_READY[notebook], timeout=180_000)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate(OVERFLOW)
    assert overflow == {"width": PHONE["width"], "wide": [], "sideways": []}
    page.screenshot(path=str(ARTIFACTS / f"telephone-{notebook.removesuffix('.ipynb')}.png"))
    # The whole page, as tall as it is, at the phone's width: what is looked at.
    height = page.evaluate("(document.getElementById('rendered_cells') || document.body).scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": min(height, 12_000)})
    assert page.evaluate(OVERFLOW)["sideways"] == []
    page.screenshot(path=str(ARTIFACTS / f"telephone-{notebook.removesuffix('.ipynb')}-entier.png"))
    context.close()


#: Every violation of the page's Content-Security-Policy, as the browser reports it.
VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.mark.parametrize("notebook", list(PAGE_READY))
def test_the_page_works_within_its_content_security_policy(browser, server, notebook):
    """The server's policy (hosting.SECURITY_HEADERS) lets each page load and connect only to its
    own server, and no other site frame it; the page works within it, without a violation."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.add_init_script(VIOLATIONS)
    response = page.goto(server.url + page_path(notebook), timeout=180_000)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    page.wait_for_selector(PAGE_READY[notebook], timeout=180_000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    context.close()
