/* Charts of the portal drawn with Apache ECharts (static/vendor/echarts), meant for every page that shows figures:
   the volunteer statistics now, the dashboard later. No inline script: a container
     <div data-chart-source="URL"> … <div class="portal-chart" data-chart="KEY" data-kind="bar|hbar|line"></div> … </div>
   fetches URL once (JSON) and draws, in each chart element, the entry KEY of the answer:
     {"title": "…", "labels": ["…", …], "series": [{"name": "…", "values": [n, …]}, …]}.
   Every chart has a table of the same figures beside it in the page, so nothing depends on the drawing. */
(function () {
  "use strict";

  const COLOURS = ["#c8161d", "#e07b39", "#2f6fb0", "#3a9d5d", "#8a5cb8", "#6c757d"];

  function option(spec, kind) {
    const horizontal = kind === "hbar";
    const category = { type: "category", data: spec.labels, axisLabel: { hideOverlap: true } };
    const value = { type: "value", minInterval: 1 };
    return {
      color: COLOURS,
      tooltip: { trigger: "axis", confine: true },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 28 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: kind === "line" ? "line" : "bar", data: s.values, barMaxWidth: 28 };
      }),
    };
  }

  function draw(element, spec) {
    if (!window.echarts || !spec) return null;
    const chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(spec, element.dataset.kind || "bar"), true);
    return chart;
  }

  function load(container) {
    const charts = container.querySelectorAll("[data-chart]");
    if (!charts.length) return;
    fetch(container.dataset.chartSource, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        const drawn = [];
        charts.forEach(function (element) {
          const chart = draw(element, data[element.dataset.chart]);
          if (chart) drawn.push(chart);
        });
        window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
      })
      .catch(function () {
        charts.forEach(function (element) { element.classList.add("d-none"); }); // the tables still show the figures
      });
  }

  window.PortalCharts = { draw: draw, load: load };
  document.querySelectorAll("[data-chart-source]").forEach(load);
})();
