// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function formatRemaining(ms) {
    if (ms <= 0) return "now";
    const minutes = Math.floor(ms / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");
    if (days) return plural(days, "day") + " " + plural(hours, "hour");
    if (hours) return plural(hours, "hour") + " " + plural(mins, "minute");
    return plural(mins, "minute");
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      const target = Date.parse(el.dataset.countdown);
      const value = el.querySelector(".countdown-value");
      if (!isNaN(target) && value) value.textContent = formatRemaining(target - Date.now());
    });
  }

  // Widths of bars come from data attributes: the page carries no inline style (CSP).
  function sizeBars(root) {
    root.querySelectorAll("[data-percent]").forEach(function (el) {
      const percent = Math.max(0, Math.min(100, parseFloat(el.dataset.percent) || 0));
      el.style.width = percent + "%";
    });
  }

  // A form is sent once: its submit buttons are disabled while the request is in flight.
  // The server refuses a second copy too (cohort/once.py); this only spares the click.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "get").toLowerCase() !== "post") return;
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // After the browser has read the clicked button's name and value.
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(
        function (button) {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
        }
      );
    }, 0);
  });
  function release(form) {
    if (!form) return;
    delete form.dataset.submitting;
    form.querySelectorAll("[aria-busy]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }
  // Coming back with the browser's Back button shows the form usable again; so does the end
  // of an htmx request that left the form on the page.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(release);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    release(event.target.closest && event.target.closest("form"));
  });

  document.addEventListener("DOMContentLoaded", function () {
    sizeBars(document);
    tick();
    setInterval(tick, 30000);
    // Close the account menu when clicking elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
  });
})();
