// The plotly.js traces the dashboard draws (scatter comes with the core), and nothing else.
// Built by `make plotly-bundle` into layouts/assets/vendor/; keep plotly.js at the version the
// Python plotly package ships (tests/unit/layouts/test_plotly_bundle.py checks).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
]);

module.exports = Plotly;
