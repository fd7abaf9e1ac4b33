// Draws the corps-health charts from the JSON block on the page (no inline scripts: CSP).
// Every chart has the same figures in a table next to it, for screen readers and keyboards.
(function () {
  "use strict";
  var block = document.getElementById("chart-data");
  if (!block || typeof window.Chart === "undefined") { return; }
  var data;
  try { data = JSON.parse(block.textContent); } catch (e) { return; }
  var palette = ["#0b3d91", "#b3541e", "#1b6e2e", "#7a3b8f", "#8a6d00", "#a61b1b", "#2f6f8f"];
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  (data.charts || []).forEach(function (spec) {
    var canvas = document.querySelector('canvas[data-chart="' + spec.id + '"]');
    if (!canvas) { return; }
    var datasets = spec.datasets.map(function (set, i) {
      var colour = palette[i % palette.length];
      return {
        label: set.label, data: set.data, borderColor: colour, backgroundColor: colour,
        spanGaps: true, tension: 0.2, pointRadius: 2
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: still ? false : undefined,
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.setAttribute("data-drawn", "true");
  });
}());
