// Render every <div class="chart" data-chart="..."> with ECharts from a JSON option built server-side.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var option = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el);
    chart.setOption(option);
    // drill-down: a data item with a `url` opens it (chain map nodes, ranking bars)
    chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
