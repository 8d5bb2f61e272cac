/* Dashboard charts (templates/reports/_charts.html, on the home page and /dashboard/<code>/).
 * Data: the json_script #chart-data; labels and the drill-down URL: data-* attributes of
 * #dashboard-charts (translated and escaped by Django). Tooltips go through gonghui.tooltip, which
 * escapes every name: org names are user text. */
(function () {
  "use strict";
  var cfg = document.getElementById("dashboard-charts");
  var src = document.getElementById("chart-data");
  if (!cfg || !src || !window.echarts || !window.gonghui) { return; }
  var data = JSON.parse(src.textContent);
  var L = cfg.dataset;
  var base = L.drillUrl;
  var tip = window.gonghui.tooltip;
  var red = "#c8161d", pink = "#f4a3a6";
  var EMPTY = L.empty || "暂无数据";
  /* A chart with nothing to show says so instead of an empty frame (issue 18). */
  function chart(id, rows) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    if (!rows || !rows.length) {
      el.textContent = EMPTY;
      el.classList.add("chart-empty");
      return null;
    }
    return window.echarts.init(el);
  }
  function drill(c) { if (c && c.drill) { window.location = base.replace("CODE", encodeURIComponent(c.code)); } }
  var names = data.children.map(function (c) { return c.name; });

  var c1 = chart("chart-children", data.children);
  if (c1) {
    c1.setOption({
      tooltip: {trigger: "axis", formatter: tip()}, legend: {data: [L.migrant, L.other]},
      grid: {left: 110, right: 20, top: 30, bottom: 20},
      xAxis: {type: "value"}, yAxis: {type: "category", data: names, inverse: true, axisLabel: {width: 100, overflow: "truncate", interval: 0}},
      series: [
        {name: L.migrant, type: "bar", stack: "m", color: red, data: data.children.map(function (c) { return c.migrant; })},
        {name: L.other, type: "bar", stack: "m", color: pink, data: data.children.map(function (c) { return c.members - c.migrant; })}
      ]
    });
    c1.on("click", function (p) { drill(data.children[p.dataIndex]); });
  }
  var c2 = chart("chart-groups", data.groups.filter(function (g) { return g.members; }));
  if (c2) {
    c2.setOption({tooltip: {trigger: "item", formatter: tip()}, series: [{type: "pie", radius: ["30%", "58%"], center: ["50%", "55%"],
      label: {formatter: "{b}\n{c}", overflow: "break"}, minShowLabelAngle: 3,
      data: data.groups.map(function (g) { return {name: g.name, value: g.members}; })}]});
  }
  var c3 = chart("chart-years", data.years);
  if (c3) {
    c3.setOption({tooltip: {trigger: "axis", formatter: tip()}, grid: {left: 60, right: 20, top: 20, bottom: 30},
      xAxis: {type: "category", data: data.years.map(function (y) { return String(y.year); })}, yAxis: {type: "value"},
      series: [{name: L.members, type: "line", areaStyle: {opacity: 0.15}, color: red, data: data.years.map(function (y) { return y.members; })}]});
  }
  var rated = data.children.filter(function (c) { return c.rate !== null; });
  var c4 = chart("chart-rates", rated);
  if (c4) {
    c4.setOption({tooltip: {trigger: "axis", formatter: tip({valueFormatter: function (v) { return v + "%"; }})},
      grid: {left: 50, right: 20, top: 20, bottom: 10, containLabel: true},
      xAxis: {type: "category", data: rated.map(function (c) { return c.name; }),
        axisLabel: {rotate: rated.length > 6 ? 40 : 0, interval: 0, width: rated.length > 6 ? 84 : 110, overflow: "truncate", fontSize: 11}},
      yAxis: {type: "value", max: 100},
      series: [{name: L.rate, type: "bar", color: red, data: rated.map(function (c) { return Math.round(c.rate * 1000) / 10; })}]});
    c4.on("click", function (p) { drill(rated[p.dataIndex]); });
  }
  window.addEventListener("resize", function () { [c1, c2, c3, c4].forEach(function (c) { if (c) { c.resize(); } }); });
})();
