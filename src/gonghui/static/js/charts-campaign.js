/* Campaign charts (templates/campaigns/detail.html): completion per unit against the time schedule,
 * and the daily cumulative trend. Data: the json_script #chart-data; the unit URL: data-unit-url
 * of #campaign-charts. Unit names are org short names typed by union admins: the tooltip escapes
 * them (and every label) before building its HTML (issue 12 finding 2). */
(function () {
  "use strict";
  var cfg = document.getElementById("campaign-charts");
  var src = document.getElementById("chart-data");
  if (!cfg || !src || !window.echarts || !window.gonghui) { return; }
  var d = JSON.parse(src.textContent);
  var esc = window.gonghui.escapeHtml;
  var unitUrl = cfg.dataset.unitUrl;
  var L = d.labels;
  var charts = [];

  function unitTip(p) {
    var i = p[0].dataIndex;
    var target = d.target[i] === null ? "—" : d.target[i];
    return esc(d.units[i]) +
      "<br>" + esc(L.target + " " + target + "，" + L.done + " " + d.done[i]) +
      "<br>" + esc(L.pct + " " + d.pct[i] + "%（" + L.time + " " + d.time + "%）") +
      (d.behind[i] ? "<br><b style=\"color:#cf222e\">" + esc(L.behind) + "</b>" : "");
  }

  var el = document.getElementById("chart-units");
  if (el && d.units.length) {
    var c = window.echarts.init(el);
    c.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: unitTip },
      grid: { left: 50, right: 96, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: d.units, axisLabel: { rotate: d.units.length > 8 ? 40 : 0, interval: 0, fontSize: 11,
        width: d.units.length > 8 ? 96 : 120, overflow: "truncate" } },
      yAxis: { type: "value", name: L.pct + " %", axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", name: L.pct, barMaxWidth: 28,
        data: d.pct.map(function (v, i) { return { value: v, itemStyle: { color: d.behind[i] ? "#cf222e" : "#0969da" } }; }),
        markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#bf8700", width: 2 },
          label: { formatter: L.time + "\n{c}%", position: "end" }, data: [{ yAxis: d.time }] } }]
    });
    c.on("click", function (p) { window.location.href = unitUrl.replace("__code__", encodeURIComponent(d.codes[p.dataIndex])); });
    charts.push(c);
  }
  [["chart-units", d.units.length], ["chart-trend", d.trend.dates.length]].forEach(function (pair) {
    var box = document.getElementById(pair[0]);
    if (box && !pair[1]) { box.textContent = "暂无数据"; box.classList.add("chart-empty"); }
  });
  var tl = document.getElementById("chart-trend");
  if (tl && d.trend.dates.length) {
    var t = window.echarts.init(tl);
    var series = [{ type: "line", name: L.cumulative, data: d.trend.done, showSymbol: false, areaStyle: { opacity: 0.08 }, lineStyle: { color: "#c8161d" }, itemStyle: { color: "#c8161d" } }];
    if (d.trend.plan.length) {
      series.push({ type: "line", name: L.plan, data: d.trend.plan, showSymbol: false, lineStyle: { type: "dashed", color: "#bf8700" }, itemStyle: { color: "#bf8700" } });
    }
    t.setOption({
      animation: false,
      tooltip: { trigger: "axis", formatter: window.gonghui.tooltip() },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: "category", data: d.trend.dates, boundaryGap: false },
      yAxis: { type: "value" },
      series: series
    });
    charts.push(t);
  }
  window.addEventListener("resize", function () { charts.forEach(function (x) { x.resize(); }); });
})();
