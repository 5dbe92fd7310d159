// The leader dashboard's charts: reads the page's JSON block (#data) and draws each chart
// with ECharts into its container. Counts shown as "<5" (the small-cell rule) are drawn as
// empty bars and slices; the tables beside the charts give the numbers.
(function () {
  "use strict";
  var block = document.getElementById("data");
  if (!block || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);
  var number = function (value) {
    return typeof value === "number" ? value : 0;
  };
  var names = function (rows) {
    return rows.map(function (row) { return row.name; });
  };
  var values = function (rows) {
    return rows.map(function (row) { return number(row.value); });
  };
  var shown = function (rows) {
    var byName = {};
    rows.forEach(function (row) { byName[row.name] = row.value; });
    return function (params) { return params.name + "：" + byName[params.name]; };
  };
  var charts = [];
  var draw = function (id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  };
  var grid = { left: 28, right: 16, top: 16, bottom: 8, containLabel: true };
  var font = { fontFamily: "sans-serif" };
  draw("chart-category", {
    textStyle: font,
    animation: false,
    tooltip: { formatter: shown(data.by_category) },
    grid: grid,
    xAxis: { type: "category", data: names(data.by_category), axisLabel: { interval: 0, rotate: 45 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: values(data.by_category), itemStyle: { color: "#3b6ea5" } }],
  });
  draw("chart-state", {
    textStyle: font,
    animation: false,
    tooltip: { formatter: shown(data.by_state) },
    series: [{
      type: "pie",
      radius: ["35%", "65%"],
      data: data.by_state.map(function (row) {
        return { name: row.name, value: number(row.value) };
      }),
    }],
  });
  draw("chart-trend", {
    textStyle: font,
    animation: false,
    tooltip: { trigger: "axis" },
    grid: grid,
    xAxis: { type: "category", data: names(data.by_day).map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "line", data: values(data.by_day), areaStyle: { opacity: 0.15 }, itemStyle: { color: "#c0392b" } }],
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
