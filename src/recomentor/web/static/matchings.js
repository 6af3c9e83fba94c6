// Forms marked data-progress: while the server works on them (a cohort takes seconds), say so,
// count the seconds and keep the button from sending the form twice.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-progress]");
  forms.forEach(function (form) {
    var status = form.querySelector("[data-progress-status]");
    var elapsed = form.querySelector("[data-elapsed]");
    var timer = null;
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
      form.setAttribute("aria-busy", "true");
      if (status) {
        status.hidden = false;
      }
      var started = Date.now();
      timer = window.setInterval(function () {
        if (elapsed) {
          elapsed.textContent = Math.round((Date.now() - started) / 1000) + " s";
        }
      }, 1000);
    });
    // Back from the next page, the browser may show this page as it was left: usable again.
    window.addEventListener("pageshow", function () {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
      form.removeAttribute("aria-busy");
      if (status) {
        status.hidden = true;
      }
      if (elapsed) {
        elapsed.textContent = "";
      }
    });
  });
})();
