// Stands in for MathJax 2. Voilà's front end loads MathJax from a CDN on every page, to typeset
// mathematics in markdown: the tool's pages have none, and a public service's pages make no
// request to third parties. contacts_lib.server.local_assets_only points Voilà's
// « fullMathjaxUrl » here; the typesetter finds the MathJax 2 calls it makes.
window.MathJax = window.MathJax || {
  Hub: {
    Config: function () {},
    Configured: function () {},
    Queue: function () {},
    Register: { StartupHook: function () {} },
  },
  Ajax: {},
  InputJax: { TeX: { resetEquationNumbers: function () {} } },
};
