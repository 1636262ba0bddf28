// Runs axe-core (injected before this script) on the page with the WCAG 2.1 A
// and AA rules and writes the violations into the page as JSON for --dump-dom.
(function () {
  "use strict";
  var tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then(function (r) {
    var out = document.createElement("pre");
    out.id = "axe-result";
    out.textContent = JSON.stringify(r.violations.map(function (v) {
      return {
        id: v.id,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" ") + " :: " + n.failureSummary; }),
        count: v.nodes.length
      };
    }));
    document.body.appendChild(out);
  }, function (e) {
    var out = document.createElement("pre");
    out.id = "axe-result";
    out.textContent = JSON.stringify([{ id: "axe-error", help: String(e), nodes: [], count: 1 }]);
    document.body.appendChild(out);
  });
}());
