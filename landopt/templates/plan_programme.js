// The year filter of a multi-year programme's map (landopt.webmap; only on a programme's page).
// It works through window.landopt (plan.js): each action layer's parcels are shown or
// left out by the year chosen, "up to the year" (started by then) or "that year only"
// (started, or still under way, in it); the second step of a sequence (and a stock
// parcel's re-supply) has a dashed outline in its action's colour. The legend counts
// follow the filter. #year=2024&mode=eq in the address opens the page on that year.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("landopt-data").textContent);
  var P = D.programme, LO = window.landopt;
  if (!P || !LO) { return; }
  var PW = P.words, W = D.words;
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function num(v, d) {
    return Number(v).toLocaleString(D.lang === "zh" ? "zh-CN" : "en-US",
      {minimumFractionDigits: d, maximumFractionDigits: d});
  }
  var css = document.createElement("style");
  css.textContent = ".lo-years{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;" +
    "margin:4px 0 6px;font-size:13px}.lo-years select{font:inherit}" +
    ".lo-years label{display:flex;align-items:center;gap:3px;cursor:pointer;white-space:nowrap}" +
    ".lo-swatch.seq{border-style:dashed;background:#fff}";
  document.head.appendChild(css);

  var state = {year: "all", mode: "le"};
  var all = {}, fill = {}, edge = {};
  D.layers.forEach(function (l) {
    if (l.kind !== "action") { return; }
    fill[l.key] = l.fill;
    edge[l.key] = l.edge;
    all[l.key] = [];
    LO.layers[l.key].eachLayer(function (lyr) { all[l.key].push(lyr); });
  });

  function yearRows(p) {
    var rows = [];
    if (p.y != null) {
      rows.push([PW.started, p.ye !== p.y ? p.y + "–" + p.ye : String(p.y)]);
    }
    if (p.stock) { rows.push(["", esc(PW.stock)]); }
    if (p.a2) { rows.push([PW.then, esc(p.a2l) + " " + p.y2]); }
    return rows.map(function (r) { return "<tr><th>" + esc(r[0]) + "</th><td>" + r[1] + "</td></tr>"; }).join("");
  }
  // the tooltip and popup of plan.js, with the years
  Object.keys(all).forEach(function (k) {
    all[k].forEach(function (lyr) {
      var p = lyr.feature.properties;
      [["getTooltip", "bindTooltip", "unbindTooltip"], ["getPopup", "bindPopup", "unbindPopup"]].forEach(function (m) {
        var old = lyr[m[0]]();
        if (!old) { return; }
        var fn = old._content, opts = old.options;
        lyr[m[2]]();
        lyr[m[1]](function (l) {
          var html = typeof fn === "function" ? fn(l) : String(fn);
          return html.replace("</table>", yearRows(p) + "</table>");
        }, opts);
      });
    });
  });

  function matches(y) {
    if (y == null) { return false; }
    if (state.year === "all") { return true; }
    return state.mode === "le" ? y <= state.year : y === state.year;
  }
  // what a parcel shows now: null (left out), or its style
  function look(k, p) {
    var base = {color: edge[k], weight: 2, fillColor: fill[k], fillOpacity: 0.9, dashArray: null};
    var first = matches(p.y);
    var second = p.a2 && matches(p.y2);
    var underWay = state.year !== "all" && state.mode === "eq" && p.y < state.year && p.ye >= state.year;
    if (!first && !second && !underWay) { return null; }
    if (p.stock) { base.dashArray = "5 3"; base.weight = 2.5; }
    if (underWay && !first) { base.fillOpacity = 0.3; }
    if (second) {
      base.color = fill[p.a2] || "#333";
      base.weight = 3;
      base.dashArray = "5 3";
      if (!first && state.mode === "eq") { base.fillColor = fill[p.a2] || base.fillColor; base.fillOpacity = 0.45; }
    }
    return base;
  }
  function counts() {
    var n = {}, mu = {};
    Object.keys(all).forEach(function (k) { n[k] = 0; mu[k] = 0; });
    Object.keys(all).forEach(function (k) {
      all[k].forEach(function (lyr) {
        var p = lyr.feature.properties;
        if (matches(p.y)) { n[k] += 1; mu[k] += p.mu || 0; }
        if (p.a2 && matches(p.y2) && n[p.a2] != null) { n[p.a2] += 1; mu[p.a2] += p.mu || 0; }
      });
    });
    Object.keys(all).forEach(function (k) {
      var el = document.querySelector('.lo-row[data-layer="' + k + '"] .lo-count');
      if (el) {
        el.textContent = n[k].toLocaleString() + " " + (n[k] === 1 ? PW.plot : PW.plots) +
          " / " + num(mu[k], 1) + " " + W.mu;
      }
    });
  }
  function apply() {
    Object.keys(all).forEach(function (k) {
      var group = LO.layers[k], ring = LO.rings[k];
      if (ring) { ring.clearLayers(); }
      all[k].forEach(function (lyr) {
        var st = look(k, lyr.feature.properties);
        if (st === null) {
          if (group.hasLayer(lyr)) { group.removeLayer(lyr); }
          return;
        }
        if (!group.hasLayer(lyr)) { group.addLayer(lyr); }
        lyr.setStyle(st);
        lyr._loStyle = st;
        if (ring) {
          L.circleMarker(lyr.getBounds().getCenter(), {radius: 8, color: st.color === edge[k] ? fill[k] : st.color,
            weight: 2, fill: false, interactive: false, pane: "lo-rings"}).addTo(ring);
        }
      });
    });
    counts();
    document.documentElement.setAttribute("data-landopt-year", String(state.year) + ":" + state.mode);
  }
  Object.keys(all).forEach(function (k) {
    all[k].forEach(function (lyr) {
      // after plan.js's own mouseout (which restores its one style): the filter's style again
      lyr.on("mouseout", function () { if (lyr._loStyle) { lyr.setStyle(lyr._loStyle); } });
    });
  });

  // the control, at the top of the legend panel
  var panel = document.getElementById("lo-legend");
  var box = document.createElement("div");
  box.className = "lo-years";
  box.id = "lo-years";
  var h = "<label>" + esc(PW.year) + ' <select id="lo-year"><option value="all">' + esc(PW.all) + "</option>";
  P.years.forEach(function (y) { h += '<option value="' + y + '">' + y + "</option>"; });
  h += '</select></label><label><input type="radio" name="lo-mode" value="le" checked>' + esc(PW.upto) +
    '</label><label><input type="radio" name="lo-mode" value="eq">' + esc(PW.only) + "</label>";
  box.innerHTML = h;
  var sub = panel && panel.querySelector(".lo-sub");
  if (sub) { sub.parentNode.insertBefore(box, sub.nextSibling); } else if (panel) { panel.insertBefore(box, panel.firstChild); }
  var key = document.createElement("label");
  key.className = "lo-row";
  key.innerHTML = '<span style="width:13px"></span><span class="lo-swatch seq" style="border-color:#555"></span><span>' +
    esc(PW.second) + "</span>";
  var rows = panel ? panel.querySelectorAll(".lo-row[data-layer]") : [];
  var lastAction = null;
  Array.prototype.forEach.call(rows, function (r) { if (all[r.getAttribute("data-layer")]) { lastAction = r; } });
  if (lastAction) { lastAction.parentNode.insertBefore(key, lastAction.nextSibling); }
  var select = box.querySelector("#lo-year");
  function setYear(year, mode) {
    state.year = year === "all" || year == null ? "all" : Number(year);
    if (mode === "le" || mode === "eq") { state.mode = mode; }
    select.value = String(state.year);
    Array.prototype.forEach.call(box.querySelectorAll('input[name="lo-mode"]'), function (r) {
      r.checked = r.value === state.mode;
    });
    apply();
  }
  box.addEventListener("change", function () {
    var m = box.querySelector('input[name="lo-mode"]:checked');
    setYear(select.value, m ? m.value : state.mode);
  });
  var q = /year=(\d{4}|all)/.exec(location.hash || ""), m = /mode=(le|eq)/.exec(location.hash || "");
  setYear(q ? q[1] : "all", m ? m[1] : "le");
  LO.setYear = setYear;
  LO.programme = {state: state, years: P.years};
})();
