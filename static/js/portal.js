// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Lets the stylesheet fold the phone menu only when this script can open it again.
  document.documentElement.classList.add("js");

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

  // Offer the browser's own timezone beside a timezone field when it differs from the value.
  function timezoneGuess(input) {
    let guess = "";
    try { guess = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    // Browsers may name a zone by an older alias (Asia/Calcutta for Asia/Kolkata): compare the
    // zones themselves, not their names.
    function canonical(name) {
      try { return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone; }
      catch (e) { return name; }
    }
    if (!guess || canonical(guess) === canonical(input.value)) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button timezone-guess";
    button.textContent = "Use " + guess.replace(/_/g, " ") + " (your browser's timezone)";
    button.addEventListener("click", function () {
      input.value = guess;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      button.remove();
    });
    input.insertAdjacentElement("afterend", button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    sizeBars(document);
    tick();
    document.querySelectorAll("input[data-timezone-guess]").forEach(timezoneGuess);
    // A field only needed for some answers of another (e.g. USD amount when paid in USD).
    document.querySelectorAll("[data-hidden-when]").forEach(function (input) {
      const [name, value] = input.dataset.hiddenWhen.split("=");
      const other = input.form && input.form.elements[name];
      const wrapper = input.closest(".field") || input;
      if (!other) return;
      const update = function () { wrapper.hidden = other.value === value; };
      other.addEventListener("change", update);
      update();
    });
    setInterval(tick, 30000);
    // Close the account menu and the navigation's group menus when clicking elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
      document.querySelectorAll(".nav-group.open").forEach(function (group) {
        if (!group.contains(event.target)) setOpen(group, group.querySelector(".nav-group-label"), false);
      });
    });
    function setOpen(element, button, open) {
      element.classList.toggle("open", open);
      if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    const toggle = document.querySelector(".nav-toggle");
    const groups = document.getElementById("nav-groups");
    if (toggle && groups) {
      toggle.addEventListener("click", function () {
        setOpen(groups, toggle, !groups.classList.contains("open"));
      });
    }
    document.querySelectorAll(".nav-group-label").forEach(function (button) {
      button.addEventListener("click", function () {
        const group = button.parentElement;
        const open = !group.classList.contains("open");
        document.querySelectorAll(".nav-group.open").forEach(function (other) {
          if (other !== group) setOpen(other, other.querySelector(".nav-group-label"), false);
        });
        setOpen(group, button, open);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll(".nav-group.open").forEach(function (group) {
        setOpen(group, group.querySelector(".nav-group-label"), false);
      });
    });
  });
})();
