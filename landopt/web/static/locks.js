// landopt web: lock parcels by clicking them on the scenario page's map.
// A click moves a parcel on: free -> each action its status allows -> not touched -> free.
// The lock fields (text areas of parcel ids) are the form: the map only edits them, so the
// page works without this script (type the ids) and the fields always say what is sent.
// The map is an SVG (every parcel a <path>) or, for a large layer, a <canvas> drawn here from
// /layers/{id}/lockmap.json. Both zoom (wheel, the buttons, + and -) and pan (drag, arrow
// keys); the shown part of the map, in viewBox units, is kept in the map's data-view.
(function () {
  "use strict";
  var map = document.getElementById("lock-map");
  if (!map) { return; }
  var isCanvas = map.tagName.toLowerCase() === "canvas";
  var fields = Array.prototype.slice.call(document.querySelectorAll("textarea[data-lock]"));
  var byState = {};
  fields.forEach(function (f) { byState[f.dataset.lock] = f; });
  var picked = document.getElementById("lock-picked");
  var MAX_ZOOM = 64;

  // ------------------------------------------------------------------ the lock fields
  function ids(field) {
    return field.value.split(/[\s,;，；、]+/).filter(function (s) { return s.length > 0; });
  }
  function states() {
    var state = {};
    fields.forEach(function (f) { ids(f).forEach(function (pid) { state[pid] = f.dataset.lock; }); });
    return state;
  }
  function setState(pid, state) {
    fields.forEach(function (f) {
      var list = ids(f).filter(function (s) { return s !== pid; });
      if (f.dataset.lock === state) { list.push(pid); }
      f.value = list.join("\n");
    });
  }
  function labelOf(state) {
    var el = document.querySelector('#lock-legend [data-state="' + state + '"]');
    return el ? el.textContent : state;
  }
  // the next state of a parcel: free -> each allowed action -> not touched -> free
  function cycle(pid, eligible) {
    var order = ["free"];
    (eligible || "").split(" ").forEach(function (a) {
      if (a && byState["in-" + a]) { order.push("in-" + a); }
    });
    order.push("out");
    var now = states()[pid] || "free";
    var next = order[(order.indexOf(now) + 1) % order.length];
    setState(pid, next);
    if (picked) { picked.textContent = pid + " — " + labelOf(next); }
    return next;
  }

  // ------------------------------------------------------------------ the view
  var full = (map.dataset.viewbox || "0 0 1000 1000").split(" ").map(Number);
  var view = full.slice();
  function aspect() {
    var r = map.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? r.height / r.width : full[3] / full[2];
  }
  function clampView() {
    if (isCanvas) { view[3] = view[2] * aspect(); }
    var minW = full[2] / MAX_ZOOM;
    if (view[2] < minW) { view[3] *= minW / view[2]; view[2] = minW; }
    if (view[2] > full[2] * 1.5) { view[3] *= full[2] * 1.5 / view[2]; view[2] = full[2] * 1.5; }
    var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2;
    cx = Math.min(Math.max(cx, full[0]), full[0] + full[2]);
    cy = Math.min(Math.max(cy, full[1]), full[1] + full[3]);
    view[0] = cx - view[2] / 2; view[1] = cy - view[3] / 2;
  }
  function show() {
    clampView();
    var v = view.map(function (x) { return Math.round(x * 100) / 100; }).join(" ");
    map.dataset.view = v;
    if (isCanvas) { draw(); } else { map.setAttribute("viewBox", v); }
  }
  // zoom by `factor` (>1 zooms in) around the point (fx, fy), fractions of the map's box
  function zoom(factor, fx, fy) {
    if (fx === undefined) { fx = 0.5; fy = 0.5; }
    var w = view[2] / factor, h = view[3] / factor;
    view = [view[0] + (view[2] - w) * fx, view[1] + (view[3] - h) * fy, w, h];
    show();
  }
  function pan(fx, fy) {
    view[0] += view[2] * fx; view[1] += view[3] * fy;
    show();
  }
  // the whole layer, fitted to the map's box (the canvas keeps the box's shape)
  function reset() {
    view = full.slice();
    if (isCanvas) {
      var a = aspect();
      if (a > full[3] / full[2]) { view[3] = full[2] * a; view[1] = full[1] - (view[3] - full[3]) / 2; }
      else { view[2] = full[3] / a; view[0] = full[0] - (view[2] - full[2]) / 2; }
    }
    show();
  }
  // the SVG's viewBox is fitted into its box (preserveAspectRatio xMidYMid meet): the box
  // point of a client point, in fractions of the view
  function fractions(ev) {
    var r = map.getBoundingClientRect();
    var fx = (ev.clientX - r.left) / r.width, fy = (ev.clientY - r.top) / r.height;
    if (!isCanvas) {
      var s = Math.min(r.width / view[2], r.height / view[3]);
      var ox = (r.width - view[2] * s) / 2, oy = (r.height - view[3] * s) / 2;
      fx = (ev.clientX - r.left - ox) / (view[2] * s);
      fy = (ev.clientY - r.top - oy) / (view[3] * s);
    }
    return [fx, fy];
  }
  Array.prototype.slice.call(document.querySelectorAll("#lock-zoom button[data-zoom]"))
    .forEach(function (b) {
      b.addEventListener("click", function () {
        if (b.dataset.zoom === "in") { zoom(2); }
        else if (b.dataset.zoom === "out") { zoom(0.5); }
        else { reset(); }
      });
    });
  map.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = fractions(ev);
    zoom(ev.deltaY < 0 ? 1.25 : 0.8, f[0], f[1]);
  }, { passive: false });
  map.addEventListener("keydown", function (ev) {
    var k = ev.key;
    if (k === "+" || k === "=") { zoom(2); }
    else if (k === "-" || k === "_") { zoom(0.5); }
    else if (k === "0") { reset(); }
    else if (k === "ArrowLeft") { pan(-0.2, 0); }
    else if (k === "ArrowRight") { pan(0.2, 0); }
    else if (k === "ArrowUp") { pan(0, -0.2); }
    else if (k === "ArrowDown") { pan(0, 0.2); }
    else { return; }
    ev.preventDefault();
  });
  // drag to pan; a press that moved more than a few pixels is a drag, not a click
  var drag = null, dragged = false;
  map.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) { return; }
    drag = { x: ev.clientX, y: ev.clientY, view: view.slice() };
    dragged = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 5) { return; }
    dragged = true;
    var r = map.getBoundingClientRect();
    var s = isCanvas ? r.width / drag.view[2]
      : Math.min(r.width / drag.view[2], r.height / drag.view[3]);
    view[0] = drag.view[0] - dx / s; view[1] = drag.view[1] - dy / s;
    show();
  });
  window.addEventListener("pointerup", function () { drag = null; });

  // ------------------------------------------------------------------ the SVG map
  if (!isCanvas) {
    var paint = function () {
      var paths = map.querySelectorAll("path[data-pid]");
      var state = states();
      for (var i = 0; i < paths.length; i++) {
        paths[i].setAttribute("class", "lock-" + (state[paths[i].dataset.pid] || "free"));
      }
    };
    map.addEventListener("click", function (ev) {
      if (dragged) { dragged = false; return; }
      var path = ev.target.closest ? ev.target.closest("path[data-pid]") : null;
      if (path) {
        path.setAttribute("class", "lock-" + cycle(path.dataset.pid, path.dataset.eligible));
      }
    });
    fields.forEach(function (f) { f.addEventListener("change", paint); });
    return;
  }

  // ------------------------------------------------------------------ the canvas map
  // the fills of the lock states, read from the stylesheet's legend swatches
  var fills = {};
  Array.prototype.slice.call(document.querySelectorAll("#lock-legend .swatch")).forEach(function (s) {
    var state = (s.className.match(/lock-([\w-]+)/) || [])[1];
    if (state) { fills[state] = getComputedStyle(s).backgroundColor; }
  });
  var data = null;      // {ids, kinds, kind}
  var xy = null;        // every vertex, viewBox units: x0, y0, x1, y1, ...
  var ringStart = null; // per ring, its first vertex's index in xy (/2); one more at the end
  var firstRing = null; // per parcel, its first ring's index; one more at the end
  var box = null;       // per parcel, xmin, ymin, xmax, ymax
  var index = {};       // parcel id -> its number
  var state = {};
  function load(json) {
    var n = json.ids.length, scale = json.scale, nv = 0, nr = 0, p, r, k;
    for (p = 0; p < n; p++) {
      nr += json.rings[p].length;
      for (r = 0; r < json.rings[p].length; r++) { nv += json.rings[p][r].length / 2; }
    }
    xy = new Float32Array(nv * 2); ringStart = new Uint32Array(nr + 1);
    firstRing = new Uint32Array(n + 1); box = new Float32Array(n * 4);
    var v = 0, ri = 0;
    for (p = 0; p < n; p++) {
      firstRing[p] = ri;
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (r = 0; r < json.rings[p].length; r++) {
        var ring = json.rings[p][r], x = 0, y = 0;
        ringStart[ri++] = v;
        for (k = 0; k < ring.length; k += 2) {
          x += ring[k]; y += ring[k + 1];
          var fx = x / scale, fy = y / scale;
          xy[2 * v] = fx; xy[2 * v + 1] = fy; v++;
          if (fx < x0) { x0 = fx; } if (fx > x1) { x1 = fx; }
          if (fy < y0) { y0 = fy; } if (fy > y1) { y1 = fy; }
        }
      }
      box[4 * p] = x0; box[4 * p + 1] = y0; box[4 * p + 2] = x1; box[4 * p + 3] = y1;
      index[json.ids[p]] = p;
    }
    ringStart[ri] = v; firstRing[n] = ri;
    data = { ids: json.ids, kinds: json.kinds, kind: json.kind };
  }
  var pending = false;
  function draw() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; drawNow(); });
  }
  function drawNow() {
    var r = map.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    var w = Math.max(1, Math.round(r.width * dpr)), h = Math.max(1, Math.round(r.height * dpr));
    if (map.width !== w || map.height !== h) { map.width = w; map.height = h; }
    var ctx = map.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!data) { return; }
    var s = w / view[2];
    ctx.setTransform(s, 0, 0, s, -view[0] * s, -view[1] * s);
    var vx0 = view[0], vy0 = view[1], vx1 = view[0] + view[2], vy1 = view[1] + view[3];
    // each parcel its own path: Skia fills one path of 100,000 parcels in 35 s, 100,000
    // paths of one parcel in 0.14 s (headless Chromium, BENCHMARKS.md)
    var visible = [];
    for (var p = 0; p < data.ids.length; p++) {
      if (box[4 * p + 2] >= vx0 && box[4 * p] <= vx1 && box[4 * p + 3] >= vy0 && box[4 * p + 1] <= vy1) {
        visible.push(p);
      }
    }
    var shown = visible.length;
    // outlines once the parcels are a few pixels wide
    var outline = shown < 40000;
    ctx.strokeStyle = "#767676";
    ctx.lineWidth = dpr * 0.5 / s;
    var fill = null;
    for (var i = 0; i < shown; i++) {
      var q = visible[i];
      var f = fills[state[data.ids[q]] || "free"] || "#e4e4e4";
      if (f !== fill) { ctx.fillStyle = f; fill = f; }
      ctx.beginPath();
      for (var ri = firstRing[q]; ri < firstRing[q + 1]; ri++) {
        var a = ringStart[ri], b = ringStart[ri + 1];
        ctx.moveTo(xy[2 * a], xy[2 * a + 1]);
        for (var v = a + 1; v < b; v++) { ctx.lineTo(xy[2 * v], xy[2 * v + 1]); }
        ctx.closePath();
      }
      ctx.fill("evenodd");
      if (outline) { ctx.stroke(); }
    }
    map.dataset.shown = String(shown);
  }
  function inside(p, x, y) {
    var hit = false;
    for (var ri = firstRing[p]; ri < firstRing[p + 1]; ri++) {
      var a = ringStart[ri], b = ringStart[ri + 1];
      for (var i = a, j = b - 1; i < b; j = i++) {
        var xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { hit = !hit; }
      }
    }
    return hit;
  }
  function parcelAt(ev) {
    var f = fractions(ev), x = view[0] + f[0] * view[2], y = view[1] + f[1] * view[3];
    for (var p = data.ids.length - 1; p >= 0; p--) {
      if (x >= box[4 * p] && x <= box[4 * p + 2] && y >= box[4 * p + 1] && y <= box[4 * p + 3] &&
          inside(p, x, y)) { return p; }
    }
    return -1;
  }
  map.addEventListener("click", function (ev) {
    if (dragged) { dragged = false; return; }
    if (!data) { return; }
    var p = parcelAt(ev);
    if (p < 0) { return; }
    state[data.ids[p]] = cycle(data.ids[p], data.kinds[data.kind[p]]);
    draw();
  });
  map.addEventListener("mousemove", function (ev) {
    if (!data || drag) { return; }
    var p = parcelAt(ev);
    map.title = p >= 0 ? data.ids[p] : "";
  });
  fields.forEach(function (f) {
    f.addEventListener("change", function () { state = states(); draw(); });
  });
  window.addEventListener("resize", draw);
  state = states();
  reset();
  var note = document.getElementById("lock-map-loading");
  // no map after all (the layer became unreadable): say so, and leave the fields
  function failed() {
    map.hidden = true;
    var zoomBar = document.getElementById("lock-zoom");
    if (zoomBar) { zoomBar.hidden = true; }
    if (note) { note.textContent = note.dataset.failed || ""; }
  }
  fetch(map.dataset.src, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (json) {
      if (!json) { failed(); return; }
      load(json);
      draw();
      if (note) { note.hidden = true; }
      map.dataset.ready = "true";
    }, failed);
})();
