/* The portal's one chart helper, drawn with Apache ECharts (static/vendor/echarts, loaded before this file). Every
   page that draws a chart uses it, with no inline script: a container
     <div class="chart" data-chart-url="URL" [data-chart-key="KEY"] [data-kind="bar|hbar|line"]
          [data-save-title="…"]></div>
   fetches URL (once per URL, however many charts read it) and draws the JSON answer — or its entry KEY:
     {"title": "…", "categories": ["…", …], "kind": "bar", "draw": ["key", …] (the series drawn; all by default),
      "series": [{"key": "…", "name": "…", "data": [n or null, …], "unit": "%"}, …],
      "links": ["/dashboard/…", …] (optional: a click on a category's bar or point opens its link),
     "colors": ["#dc3545", …] (optional: one colour per category, for a chart of one series such as the lights)}
   Labels come from the JSON (Chinese), the toolbox saves the chart as an image, the chart follows the window's
   size. Every chart has a table of the same figures beside it in the page, so nothing depends on the drawing: when
   the data cannot be read the container is hidden and the table stays. */
(function () {
  "use strict";

  var COLOURS = ["#c8161d", "#2f6fb0", "#e07b39", "#3a9d5d", "#8a5cb8", "#6c757d"];
  var requests = {};
  var drawn = [];

  function fetchJson(url) {
    if (!requests[url]) {
      requests[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); });
    }
    return requests[url];
  }

  function option(spec, kind, element) {
    var horizontal = kind === "hbar";
    var wanted = spec.draw || null;
    var series = spec.series.filter(function (s) { return !wanted || wanted.indexOf(s.key) !== -1; });
    var unit = series.length && series.every(function (s) { return s.unit === "%"; }) ? "%" : "";
    // a horizontal chart names every category (its height follows their number, see draw); long names are cut
    var category = horizontal
      ? { type: "category", data: spec.categories,
          axisLabel: { interval: 0, width: Math.min(150, Math.round(element.clientWidth * 0.3)), overflow: "truncate" } }
      : { type: "category", data: spec.categories,
          axisLabel: { hideOverlap: true, interval: spec.categories.length <= 8 ? 0 : "auto" } };
    var value = { type: "value", axisLabel: { formatter: "{value}" + unit } };
    var links = spec.links || [];
    return {
      color: COLOURS,
      animation: false,
      tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      legend: series.length > 1 ? { top: 0, left: 0 } : undefined,
      toolbox: { right: 0, top: 0, feature: { saveAsImage: { title: element.dataset.saveTitle || undefined, name: spec.title || "chart", pixelRatio: 2 } } },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: series.map(function (s) {
        return {
          name: s.name, type: kind === "line" ? "line" : "bar", barMaxWidth: 28, connectNulls: true,
          data: spec.colors && series.length === 1
            ? s.data.map(function (v, i) { return { value: v, itemStyle: { color: spec.colors[i] } }; }) : s.data,
          cursor: links.length ? "pointer" : "default",
        };
      }),
    };
  }

  function draw(element, spec) {
    var empty = spec && spec.series && spec.series.every(function (s) {
      return s.data.every(function (v) { return v === null || v === undefined; });
    });
    if (!window.echarts || !spec || !spec.categories || !spec.categories.length || empty) {
      element.classList.add("d-none");
      return null;
    }
    element.classList.add("chart-drawn");
    if ((element.dataset.kind || spec.kind) === "hbar") {
      // one band of 28 px per category and room for the legend and the value axis
      element.style.height = Math.max(260, spec.categories.length * 28 + 70) + "px";
    }
    var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(spec, element.dataset.kind || spec.kind || "bar", element), true);
    var links = spec.links || [];
    chart.off("click");
    if (links.length) {
      chart.on("click", function (params) {
        var link = links[params.dataIndex];
        if (link) window.location.assign(link);
      });
      // a click beside the bar, anywhere in the category's band, drills down too
      chart.getZr().off("click");
      chart.getZr().on("click", function (event) {
        if (event.target) return;
        var point = [event.offsetX, event.offsetY];
        if (!chart.containPixel("grid", point)) return;
        var horizontal = (element.dataset.kind || spec.kind) === "hbar";
        var found = chart.convertFromPixel("grid", point);
        var index = found && Math.round(found[horizontal ? 1 : 0]);
        if (links[index]) window.location.assign(links[index]);
      });
    }
    drawn.push(chart);
    element.dataset.chartReady = "1";
    return chart;
  }

  function load(element) {
    return fetchJson(element.dataset.chartUrl)
      .then(function (data) {
        var key = element.dataset.chartKey;
        return draw(element, key ? data[key] : data);
      })
      .catch(function () { element.classList.add("d-none"); });
  }

  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { drawn.forEach(function (c) { c.resize(); }); }, 100);
  });

  window.PortalCharts = { draw: draw, load: load };
  document.querySelectorAll("[data-chart-url]").forEach(load);
})();
