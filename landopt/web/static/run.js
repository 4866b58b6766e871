// landopt web: poll a run's status every second; reload the page when it has ended.
(function () {
  "use strict";
  var state = document.getElementById("run-state");
  if (!state || state.dataset.ended === "true") { return; }
  var id = state.dataset.run;
  var bar = document.getElementById("run-progress");
  var stageValue = { queued: 0, running: 1, reading: 1, solving: 2, writing: 3, done: 4 };
  function poll() {
    fetch("/api/runs/" + id, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (info) {
        if (!info) { setTimeout(poll, 2000); return; }
        state.dataset.status = info.status;
        if (bar && info.total) { bar.max = info.total; bar.value = info.done || 0; }
        else if (bar && info.stage in stageValue) { bar.value = stageValue[info.stage]; }
        if (info.ended) { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
})();
