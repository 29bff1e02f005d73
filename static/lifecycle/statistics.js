// Draws the statistics page's charts from the data embedded with json_script (no inline script).
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var series = data[canvas.dataset.chart];
    if (!series || series.values.length === 0) {
      return;
    }
    var type = canvas.dataset.type;
    new window.Chart(canvas, {
      type: type,
      data: { labels: series.labels, datasets: [{ data: series.values }] },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: type !== "bar" } },
        scales: type === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
      },
    });
  });
})();
