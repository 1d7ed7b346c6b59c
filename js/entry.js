// The radar needs only plotly.js core and the scatterpolar trace; the full bundle is 4x larger.
// The version matches the plotly.js that the Python plotly package targets.
import Plotly from "plotly.js/lib/core";
import scatterpolar from "plotly.js/lib/scatterpolar";
Plotly.register([scatterpolar]);
globalThis.Plotly = Plotly;
