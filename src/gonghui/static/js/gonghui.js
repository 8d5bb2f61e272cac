/* gonghui: the page behaviour every page shares (loaded by base.html, deferred).
 *
 * The Content-Security-Policy allows no inline script and no eval (settings.py), so templates carry
 * no onclick=/onchange= and no hx-on / js: expressions; they mark elements with data-* attributes and
 * the listeners below act on them. Anything that builds HTML from data in JavaScript (chart tooltips)
 * passes every piece of text through gonghui.escapeHtml first: org names are typed by union admins.
 */
(function () {
  "use strict";

  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  /* Text -> HTML that shows the text literally. null/undefined -> "". */
  function escapeHtml(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  /* A tooltip formatter for ECharts axis and item tooltips, built only from escaped text.
   * opts.valueFormatter(value) -> text (escaped here too). The colour marker comes from ECharts
   * itself (p.marker: a <span> coloured from our own options, never user text). Series without a
   * name of ours (ECharts calls them "series\u00000") show no label, as in ECharts' own tooltip. */
  function tooltip(opts) {
    var fmt = (opts && opts.valueFormatter) || function (v) { return v; };
    function label(p) {
      var s = p.seriesName;
      return s && s.indexOf("series\u0000") !== 0 ? escapeHtml(s) + " " : "";
    }
    return function (params) {
      if (Array.isArray(params)) {
        if (!params.length) { return ""; }
        var head = params[0].axisValueLabel !== undefined ? params[0].axisValueLabel : params[0].name;
        var rows = [escapeHtml(head)];
        params.forEach(function (p) {
          rows.push((p.marker || "") + label(p) + "<b>" + escapeHtml(fmt(p.value)) + "</b>");
        });
        return rows.join("<br>");
      }
      var one = params;
      var pct = one.percent !== undefined ? "（" + one.percent + "%）" : "";
      return (one.marker || "") + escapeHtml(one.name) + " <b>" + escapeHtml(fmt(one.value)) + "</b>" + escapeHtml(pct);
    };
  }

  window.gonghui = { escapeHtml: escapeHtml, tooltip: tooltip };

  /* <select data-autosubmit>: submit the form when the choice changes (filters). */
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });

  /* <select data-reload-param="org">: reload the page with ?org=<value> when a value is chosen. */
  document.addEventListener("change", function (e) {
    var el = e.target;
    var name = el instanceof HTMLSelectElement ? el.getAttribute("data-reload-param") : null;
    if (name && el.value) {
      window.location.search = "?" + encodeURIComponent(name) + "=" + encodeURIComponent(el.value);
    }
  });

  /* <select data-searchable>: a search box above a long list of unions; typing keeps the options
   * whose label (name, code, area) holds every word typed. Nothing is chosen for the user. */
  function searchable(sel) {
    if (sel.getAttribute("data-searchable-ready")) { return; }
    sel.setAttribute("data-searchable-ready", "1");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = "输入名称、代码或地区查找";
    box.setAttribute("aria-label", box.placeholder);
    sel.parentNode.insertBefore(box, sel);
    var count = document.createElement("small");
    count.className = "help picker-count";
    sel.parentNode.insertBefore(count, sel.nextSibling);
    sel.size = Math.min(8, sel.options.length);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(sel.options, function (o) {
        var text = o.text.toLowerCase();
        var ok = !o.value || words.every(function (w) { return text.indexOf(w) >= 0; });
        o.hidden = !ok;
        if (ok && o.value) { shown += 1; }
      });
      count.textContent = words.length ? "找到 " + shown + " 个" : "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-searchable]").forEach(searchable);
  });

  /* <input type=checkbox data-check-all="pk">: tick or untick every checkbox named pk in its form. */
  document.addEventListener("change", function (e) {
    var el = e.target;
    var name = el instanceof HTMLInputElement ? el.getAttribute("data-check-all") : null;
    if (name && el.form) {
      el.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });

  /* <button data-confirm="…">: ask before the form is sent; the message is text, never HTML. */
  document.addEventListener("click", function (e) {
    var el = e.target instanceof Element ? e.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  /* htmx: an element with data-done-text gets that text and is disabled once its request ends
   * (the tree's "+" buttons become "−" after loading the children). */
  document.addEventListener("htmx:afterRequest", function (e) {
    var el = e.detail && e.detail.elt;
    if (el instanceof Element && el.hasAttribute("data-done-text")) {
      el.textContent = el.getAttribute("data-done-text");
      el.disabled = true;
    }
  });

  /* htmx: requests from inside [data-idp-header="<input id>"] send that input's value in the X-Idp
   * header — ID numbers and phones are searched without entering URLs and server logs. */
  document.addEventListener("htmx:configRequest", function (e) {
    var el = e.detail && e.detail.elt;
    var box = el instanceof Element ? el.closest("[data-idp-header]") : null;
    if (box) {
      var input = document.getElementById(box.getAttribute("data-idp-header"));
      e.detail.headers["X-Idp"] = input ? input.value : "";
    }
  });
})();
