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

  document.addEventListener("DOMContentLoaded", function () {
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
