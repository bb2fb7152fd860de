// Render every <div class="chart" data-chart="..."> with ECharts from a JSON option built server-side: on load,
// in partials swapped in by htmx (the enterprise page's tabs), and again at full size when a hidden tab is shown.
(function () {
  function render(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (echarts.getInstanceByDom(el)) { return; }
      var data = document.getElementById(el.dataset.chart);
      if (!data) { return; }
      // a dark page (the big screen) names its theme on the body; its charts keep the page's background
      var theme = document.body.dataset.chartTheme || null;
      var chart = echarts.init(el, theme);
      var option = JSON.parse(data.textContent);
      // a map brings its own outline (the parks' GeoJSON): register it before drawing
      if (option.registerMap) {
        echarts.registerMap(option.registerMap.name, option.registerMap.geoJSON);
        delete option.registerMap;
      }
      if (theme) { option.backgroundColor = "transparent"; }
      chart.setOption(option);
      // drill-down: a data item with a `url` opens it (chain map nodes, ranking bars)
      chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
    });
  }
  function resize(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (e) { render(e.target); });
  document.addEventListener("shown.bs.tab", function (e) {
    var pane = document.querySelector(e.target.getAttribute("href") || e.target.dataset.bsTarget);
    if (pane) { resize(pane); }
  });
  window.addEventListener("resize", function () { resize(document); });
  // printing (or saving as PDF) lays the page out anew: draw the charts at the printed size
  window.addEventListener("beforeprint", function () { resize(document); });
})();
