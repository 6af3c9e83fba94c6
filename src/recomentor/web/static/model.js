// /model: follows a running training job without reloading the whole page every few seconds.
// Asks /model/job every 2 s; marks the stages done as they pass; reloads once the job ended,
// so the page shows its outcome and the new version.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-state") !== "running") {
    return;
  }
  var EVERY_MS = 2000;
  var stages = Array.prototype.slice.call(box.querySelectorAll("li[data-stage]"));

  function show(stage) {
    var reached = false;
    stages.forEach(function (item) {
      var here = item.getAttribute("data-stage") === stage;
      if (here) {
        reached = true;
      }
      item.className = here ? "now" : (reached ? "todo" : "done");
      if (here) {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
    });
  }

  function poll() {
    fetch("/model/job", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (job) {
        if (job && job.state === "running") {
          if (job.stage) {
            show(job.stage);
          }
          window.setTimeout(poll, EVERY_MS);
        } else if (job) {
          window.location.reload();
        } else {
          window.setTimeout(poll, EVERY_MS * 5);
        }
      })
      .catch(function () {
        // A restarting server: try again a little later rather than giving up.
        window.setTimeout(poll, EVERY_MS * 5);
      });
  }

  window.setTimeout(poll, EVERY_MS);
})();
