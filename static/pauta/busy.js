/*
 * Feedback for forms whose answer takes a while (pre-flight run on demand, YAML import, image upload).
 * A form opts in with `data-busy="<what is happening, translated>"`. On submit the form is marked
 * aria-busy, its buttons are disabled so it is not sent twice, the pressed button shows a spinner, and a
 * status line says what is happening (announced by screen readers). The answer replaces the page as usual.
 */
(function () {
  "use strict";

  function statusOf(form) {
    var status = form.querySelector("[data-busy-status]");
    if (!status) {
      status = document.createElement("span");
      status.className = "busy-status small text-body-secondary ms-2";
      status.setAttribute("role", "status");
      status.setAttribute("data-busy-status", "");
      var anchor = form.querySelector("button[type=submit], button:not([type])");
      (anchor ? anchor.parentNode : form).appendChild(status);
    }
    return status;
  }

  function start(form, button) {
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button, input[type=submit]").forEach(function (control) {
      control.disabled = true;
    });
    if (button && !button.querySelector(".spinner-border")) {
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      button.prepend(spinner);
    }
    statusOf(form).textContent = form.dataset.busy;
  }

  function reset(form) {
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button, input[type=submit]").forEach(function (control) {
      control.disabled = false;
    });
    form.querySelectorAll(".spinner-border").forEach(function (spinner) {
      spinner.remove();
    });
    statusOf(form).textContent = "";
  }

  document.querySelectorAll("form[data-busy]").forEach(statusOf);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy") || event.defaultPrevented) {
      return;
    }
    var button = event.submitter;
    // After this turn: the browser has then read the pressed button's name and value into the request.
    window.setTimeout(function () {
      start(form, button);
    }, 0);
  });

  // A page restored from the back/forward cache must not stay stuck in its busy state.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-busy]").forEach(reset);
    }
  });
})();
