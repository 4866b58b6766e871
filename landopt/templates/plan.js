(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("landopt-data").textContent);
  var W = D.words;
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function num(v, d) {
    if (v == null) { return "–"; }
    return Number(v).toLocaleString(D.lang === "zh" ? "zh-CN" : "en-US",
      {minimumFractionDigits: d, maximumFractionDigits: d});
  }
  var map = L.map("map", {preferCanvas: true, zoomSnap: 0.25, zoomControl: true});
  map.attributionControl.setPrefix("Leaflet");
  if (D.tiles) { L.tileLayer(D.tiles.url, D.tiles.options).addTo(map); }

  var byKey = {}, colorOf = {};
  D.layers.forEach(function (l) { colorOf[l.label] = l.fill; });

  function tip(p, layer) {
    var rows = [[W.id, esc(p.id)], [W.name, esc(p.name)], [W.township, esc(p.town)]];
    if (p.park) { rows.push([W.park, esc(p.park)]); }
    rows.push([W.status, esc(p.status)]);
    rows.push([W.area, num(p.mu, 2) + " " + esc(W.mu)]);
    if (p.action) {
      rows.push([W.action, '<span class="lo-act" style="background:' + esc(layer.fill) + '"></span><b>' +
                 esc(p.action) + "</b>"]);
      rows.push([W.cost, num(p.cost, 1) + " " + esc(W.wan)]);
    } else {
      rows.push([W.action, esc(W.none)]);
      if (p.options) {
        rows.push([W.options, p.options.map(function (o) {
          return esc(o[0]) + " (" + num(o[1], 1) + " " + esc(W.wan) + ")";
        }).join("<br>")]);
      }
    }
    return '<div class="lo-tip"><table>' + rows.map(function (r) {
      return "<tr><th>" + esc(r[0]) + "</th><td>" + r[1] + "</td></tr>";
    }).join("") + "</table></div>";
  }

  function styleOf(l) {
    if (l.kind === "action") {
      return {color: l.edge, weight: 2, fillColor: l.fill, fillOpacity: 0.9};
    }
    if (l.kind === "candidate") {
      return {color: l.edge, weight: 0.8, fillColor: l.fill, fillOpacity: 0.85};
    }
    return {color: l.edge, weight: 0.5, fillColor: l.fill, fillOpacity: 1};
  }

  // key-project sites: a thick outline with a popup (project, investment, mu), the site's
  // number in a circle (the number of projects.csv, the report and the print map)
  function siteLayer(o, style) {
    var sw = o.words, group = L.layerGroup();
    map.createPane("lo-sites").style.zIndex = 455;  // above the rings
    function pop(p) {
      var rows = [[sw.no, esc(p.no)], [sw.name, "<b>" + esc(p.name) + "</b>"]];
      if (p.park) { rows.push([sw.park, esc(p.park)]); }
      rows.push([sw.invest, num(p.invest, 2)], [sw.mu, num(p.mu, 1)]);
      return '<div class="lo-tip"><table>' + rows.map(function (r) {
        return "<tr><th>" + esc(r[0]) + "</th><td>" + r[1] + "</td></tr>";
      }).join("") + "</table></div>";
    }
    L.geoJSON(o.features, {
      style: function () { return {color: o.color, weight: o.weight, fill: true, fillOpacity: 0, opacity: 1}; },
      pane: "lo-sites",
      onEachFeature: function (f, lyr) {
        lyr.bindPopup(pop(f.properties));
        lyr.bindTooltip(pop(f.properties), {sticky: true, direction: "top", opacity: 0.97});
      }
    }).addTo(group);
    o.features.forEach(function (f) {
      var m = L.marker(f.properties.at, {
        pane: "lo-sites",
        icon: L.divIcon({className: "lo-site-no", html: esc(f.properties.no), iconSize: [22, 22], iconAnchor: [11, 30]})
      });
      m.bindPopup(pop(f.properties)).addTo(group);
      labels.unshift(m);  // first: a township's label under a site's number is hidden
    });
    return group;
  }

  // outlines below the parcels, zones and blocks above them; labels as permanent tooltips
  var outlineLayers = {}, labels = [];
  map.createPane("lo-above").style.zIndex = 440;  // above the parcels, below the rings
  map.getPane("lo-above").style.pointerEvents = "none";
  D.outlines.forEach(function (o) {
    var style = {color: o.color, weight: o.weight, dashArray: o.dash || null, fill: false};
    var group = L.layerGroup();
    if (o.key === "sites") { siteLayer(o, style).addTo(group); } else {
    L.geoJSON(o.features, {style: style, interactive: false, pane: o.above ? "lo-above" : "overlayPane"})
      .addTo(group);
    }
    if (o.key === "park" || o.key === "township") {
      o.features.forEach(function (f) {
        if (!f.properties.name) { return; }
        var at = o.key === "park" ? f.properties.top : f.properties.at;
        labels.push(L.tooltip({permanent: true, direction: o.key === "park" ? "top" : "center",
                   className: "lo-label" + (o.key === "township" ? " town" : ""), interactive: false})
          .setLatLng(at).setContent(esc(f.properties.name)).addTo(group));
      });
    }
    group.addTo(map);
    outlineLayers[o.key] = group;
  });

  var order = D.layers.slice().reverse();  // other at the bottom, actions on top
  var hovered = null, rings = {}, RING_ZOOM = 14;
  map.createPane("lo-rings").style.zIndex = 450;  // above the parcels' canvas, below tooltips
  map.getPane("lo-rings").style.pointerEvents = "none";
  order.forEach(function (l) {
    var base = styleOf(l);
    var layer = L.geoJSON({type: "FeatureCollection", features: l.features}, {
      style: function () { return base; },
      onEachFeature: function (f, lyr) {
        lyr.bindTooltip(function () { return tip(f.properties, l); }, {sticky: true, direction: "top", opacity: 0.97});
        lyr.bindPopup(function () { return tip(f.properties, l); });
        lyr.on("mouseover", function () {
          lyr.setStyle({weight: 3, color: "#000"});
          hovered = f.properties.id;
        });
        lyr.on("mouseout", function () { lyr.setStyle(base); hovered = null; });
      }
    });
    byKey[l.key] = layer;
    if (l.shown) { layer.addTo(map); }
    if (l.kind === "action" && D.rings !== false) {
      // a ring around each chosen parcel, while the map is zoomed out too far to see it
      // (not past RING_MAX chosen plots: their rings would hide the map)
      var ring = L.layerGroup();
      layer.eachLayer(function (lyr) {
        L.circleMarker(lyr.getBounds().getCenter(), {radius: 8, color: l.fill, weight: 2, fill: false,
                                                     interactive: false, pane: "lo-rings"}).addTo(ring);
      });
      rings[l.key] = ring;
    }
  });
  function showRings() {
    var far = map.getZoom() < RING_ZOOM;
    Object.keys(rings).forEach(function (k) {
      var want = far && map.hasLayer(byKey[k]);
      if (want && !map.hasLayer(rings[k])) { rings[k].addTo(map); }
      if (!want && map.hasLayer(rings[k])) { map.removeLayer(rings[k]); }
    });
  }
  map.on("zoomend", showRings);

  // legend with a switch per layer
  var Legend = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
      var div = L.DomUtil.create("div", "lo-panel");
      div.id = "lo-legend";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var h = '<h1>' + esc(D.title) + '</h1><p class="lo-sub' + (D.targets_met ? "" : " unmet") + '">' +
        D.subtitle.map(function (s) { return '<span class="lo-nw">' + esc(s) + "</span>"; }).join(" · ") +
        "</p><h2>" + esc(W.layers) + "</h2>";
      D.layers.forEach(function (l) {
        var sw = '<span class="lo-swatch' + "" +
          '" style="background-color:' + esc(l.fill) + ";border-color:" + esc(l.edge) + '"></span>';
        h += '<label class="lo-row" data-layer="' + esc(l.key) + '"><input type="checkbox" data-layer="' +
          esc(l.key) + '"' + (l.shown ? " checked" : "") + (l.features.length ? "" : " disabled") + ">" +
          sw + "<span>" + esc(l.label) + '</span><span class="lo-count">' + esc(l.count) + "</span></label>";
      });
      if (D.outlines.length) {
        h += "<h2>" + esc(W.outlines) + "</h2>";
        D.outlines.forEach(function (o) {
          var cls = o.dash ? "dash" : "line", col = o.color;
          h += '<label class="lo-row" data-outline="' + esc(o.key) + '"><input type="checkbox" data-outline="' +
            esc(o.key) + '" checked><span class="lo-swatch ' + cls + '" style="border-color:' + col +
            '"></span><span>' + esc(o.label) + "</span></label>";
        });
      }
      D.notes.forEach(function (n) { h += '<p class="lo-note">' + esc(n) + "</p>"; });
      div.innerHTML = h;
      div.addEventListener("change", function (e) {
        var t = e.target, lyr = t.dataset.layer ? byKey[t.dataset.layer] : outlineLayers[t.dataset.outline];
        if (!lyr) { return; }
        if (t.checked) { lyr.addTo(map); } else { map.removeLayer(lyr); }
        showRings();
        declutter();
      });
      return div;
    }
  });
  new Legend().addTo(map);

  var North = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
      var d = L.DomUtil.create("div", "lo-north");
      d.id = "lo-north";
      d.innerHTML = "&#9650;<br>N";
      return d;
    }
  });
  new North().addTo(map);
  L.control.scale({metric: true, imperial: false, maxWidth: 160, position: "bottomleft"}).addTo(map);
  var Foot = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var d = L.DomUtil.create("div", "lo-foot");
      d.textContent = D.footer;
      return d;
    }
  });
  new Foot().addTo(map);

  // hide a label that overlaps one shown before it (parks come first, then townships)
  function declutter() {
    var shown = [];
    labels.forEach(function (t) {
      var el = t.getElement();
      if (!el) { return; }
      el.style.visibility = "";
      var r = el.getBoundingClientRect();
      var hit = shown.some(function (q) {
        return r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top;
      });
      if (hit) { el.style.visibility = "hidden"; } else { shown.push(r); }
    });
  }
  map.on("zoomend moveend", declutter);

  // keep the district clear of the legend panel on the right
  var panel = document.getElementById("lo-legend");
  var right = panel && panel.offsetWidth < map.getSize().x * 0.5 ? panel.offsetWidth + 20 : 10;
  map.fitBounds(D.bounds, {paddingTopLeft: [40, 10], paddingBottomRight: [right, 24]});
  showRings();
  declutter();

  // for scripts and tests: the map, its layers, and where a parcel is on screen
  window.landopt = {
    map: map,
    layers: byKey,
    rings: rings,
    outlines: outlineLayers,
    hovered: function () { return hovered; },
    pointOf: function (id) {
      var found = null;
      Object.keys(byKey).forEach(function (k) {
        byKey[k].eachLayer(function (lyr) {
          if (!found && lyr.feature && lyr.feature.properties.id === id) { found = lyr; }
        });
      });
      if (!found) { return null; }
      var c = found.getBounds().getCenter();
      var pt = map.latLngToContainerPoint(c);
      return [pt.x, pt.y];
    },
    ready: true
  };
  document.documentElement.setAttribute("data-landopt-ready", "1");
})();
