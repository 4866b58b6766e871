// landopt web: lock parcels by clicking them on the scenario page's map.
// A click moves a parcel on: free -> each action its status allows -> not touched -> free.
// The lock fields (text areas of parcel ids) are the form: the map only edits them, so the
// page works without this script (type the ids) and the fields always say what is sent.
(function () {
  "use strict";
  var map = document.getElementById("lock-map");
  if (!map) { return; }
  var fields = Array.prototype.slice.call(document.querySelectorAll("textarea[data-lock]"));
  var byState = {};
  fields.forEach(function (f) { byState[f.dataset.lock] = f; });
  function ids(field) {
    return field.value.split(/[\s,;，；、]+/).filter(function (s) { return s.length > 0; });
  }
  function stateOf(pid) {
    for (var i = 0; i < fields.length; i++) {
      if (ids(fields[i]).indexOf(pid) >= 0) { return fields[i].dataset.lock; }
    }
    return "free";
  }
  function setState(pid, state) {
    fields.forEach(function (f) {
      var list = ids(f).filter(function (s) { return s !== pid; });
      if (f.dataset.lock === state) { list.push(pid); }
      f.value = list.join("\n");
    });
  }
  function cycle(path) {
    var states = ["free"];
    (path.dataset.eligible || "").split(" ").forEach(function (a) {
      if (a && byState["in-" + a]) { states.push("in-" + a); }
    });
    states.push("out");
    var pid = path.dataset.pid;
    var next = states[(states.indexOf(stateOf(pid)) + 1) % states.length];
    setState(pid, next);
    path.setAttribute("class", "lock-" + next);
  }
  function paint() {
    var paths = map.querySelectorAll("path[data-pid]");
    var state = {};
    fields.forEach(function (f) { ids(f).forEach(function (pid) { state[pid] = f.dataset.lock; }); });
    for (var i = 0; i < paths.length; i++) {
      paths[i].setAttribute("class", "lock-" + (state[paths[i].dataset.pid] || "free"));
    }
  }
  map.addEventListener("click", function (ev) {
    var path = ev.target.closest ? ev.target.closest("path[data-pid]") : null;
    if (path) { cycle(path); }
  });
  fields.forEach(function (f) { f.addEventListener("change", paint); });
})();
