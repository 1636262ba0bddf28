// Checks of the rendered report, injected into a copy of it: raw enum codes in
// the visible text, decimal points in its bokmål text, overlapping text in a chart, percentage axes that do not
// end at 100, charts without a title. The result is written into the page as
// JSON for --dump-dom to carry out.
(function () {
  "use strict";
  var result = { codes: [], points: [], overlaps: [], axes: [], untitled: [], charts: 0 };
  var text = document.body.innerText;
  var code = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;
  var seen = {};
  var m;
  while ((m = code.exec(text)) !== null) {
    if (!seen[m[0]]) { seen[m[0]] = true; result.codes.push(m[0]); }
  }
  // Decimal points in bokmål text (not under lang="en"): «94,5 %», never «94.5 %».
  result.points = [];
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var node;
  while ((node = walker.nextNode()) !== null) {
    var element = node.parentElement;
    if (!element || element.closest("[lang='en'], script, style, pre") || !element.getClientRects().length) { continue; }
    // Section numbers («Tabell 3.1», «Figur 5.2», «§ 7.1») are not decimals.
    var text = node.textContent.replace(/(Tabell|Figur|kapittel|§)\s*\d+(\.\d+)*/g, "");
    var point = text.match(/\d\.\d/);
    if (point && result.points.length < 20) { result.points.push(node.textContent.trim().slice(0, 80)); }
  }
  var charts = document.querySelectorAll("svg.chart");
  result.charts = charts.length;
  Array.prototype.forEach.call(charts, function (svg) {
    var boxes = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
      return { r: t.getBoundingClientRect(), s: t.textContent };
    }).filter(function (b) { return b.r.width > 0 && b.r.height > 0; });
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i].r, b = boxes[j].r;
        var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) { result.overlaps.push(svg.id + ": «" + boxes[i].s + "» / «" + boxes[j].s + "»"); }
      }
    }
    if (svg.getAttribute("data-axis") === "percent") {
      var ticks = svg.querySelectorAll("text.tick");
      var last = ticks.length ? ticks[ticks.length - 1].textContent.trim() : "";
      if (last !== "100 %") { result.axes.push(svg.id + ": " + last); }
    }
    var title = svg.querySelector("title");
    var caption = svg.closest("figure") && svg.closest("figure").querySelector("figcaption h3");
    if (!title || !title.textContent.trim() || !caption || !caption.textContent.trim()) { result.untitled.push(svg.id); }
  });
  var out = document.createElement("pre");
  out.id = "report-checks";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
}());
