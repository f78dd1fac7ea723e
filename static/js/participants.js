// The slideshow (arrow keys, swipe, full screen) and the goals form's autosave.
(function () {
  "use strict";

  function slideshow(root) {
    const slides = Array.from(root.querySelectorAll(".slideshow-slide"));
    const position = root.querySelector("[data-position]");
    if (!slides.length) return;
    let index = 0;
    function show(next) {
      index = (next + slides.length) % slides.length;
      slides.forEach(function (slide, i) { slide.hidden = i !== index; });
      if (position) position.textContent = index + 1 + " / " + slides.length;
    }
    function fullscreen() {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (root.requestFullscreen) root.requestFullscreen().catch(function () {});
    }
    root.querySelector("[data-prev]").addEventListener("click", function () { show(index - 1); });
    root.querySelector("[data-next]").addEventListener("click", function () { show(index + 1); });
    root.querySelector("[data-fullscreen]").addEventListener("click", fullscreen);
    document.addEventListener("keydown", function (event) {
      if (event.target.closest("input, textarea, select")) return;
      if (event.key === "ArrowRight" || event.key === "PageDown" || event.key === " ") { show(index + 1); event.preventDefault(); }
      else if (event.key === "ArrowLeft" || event.key === "PageUp") { show(index - 1); event.preventDefault(); }
      else if (event.key === "Home") show(0);
      else if (event.key === "End") show(slides.length - 1);
      else if (event.key === "f" || event.key === "F") fullscreen();
    });
    let startX = null, startY = null;
    root.addEventListener("touchstart", function (event) {
      startX = event.touches[0].clientX; startY = event.touches[0].clientY;
    }, { passive: true });
    root.addEventListener("touchend", function (event) {
      if (startX === null) return;
      const dx = event.changedTouches[0].clientX - startX;
      const dy = event.changedTouches[0].clientY - startY;
      if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) show(dx < 0 ? index + 1 : index - 1);
      startX = null;
    });
    root.focus();
  }

  // Autosave: every change is kept in this browser at once and sent to the server as a draft
  // a moment later, so nothing typed is lost when the deadline passes or the session ends.
  function autosave(form) {
    const key = form.dataset.draftKey;
    const status = form.querySelector("[data-autosave-status]");
    const serverSaved = Date.parse(form.dataset.serverSaved || "") || 0;
    let timer = null;

    function fields() {
      const data = {};
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && typeof value === "string") data[name] = value;
      });
      return data;
    }
    function say(text) { if (status) status.textContent = text; }

    try {
      const kept = JSON.parse(localStorage.getItem(key) || "null");
      if (kept && kept.at > serverSaved) {
        Object.keys(kept.data).forEach(function (name) {
          const field = form.elements.namedItem(name);
          if (field && "value" in field) field.value = kept.data[name];
        });
        say("Restored what you typed in this browser; it is saved as a draft again now.");
        schedule(0);
      } else if (kept) {
        localStorage.removeItem(key);
      }
    } catch (e) { /* private mode: the server draft still works */ }

    function send() {
      const body = new FormData(form);
      fetch(form.dataset.autosave, {
        method: "POST", body: body, credentials: "same-origin", redirect: "manual",
        headers: { "X-Requested-With": "fetch" },
      }).then(function (response) {
        if (response.ok) {
          say("Draft saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
        } else if (response.type === "opaqueredirect" || response.status === 403) {
          say("Not saved to the portal: you are logged out. Your text is kept in this browser; log in again and reopen this page.");
        } else {
          say("Not saved to the portal just now; your text is kept in this browser.");
        }
      }).catch(function () {
        say("Offline: your text is kept in this browser and will be saved when you're back.");
      });
    }
    function schedule(delay) {
      clearTimeout(timer);
      timer = setTimeout(send, delay);
    }
    form.addEventListener("input", function () {
      try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: fields() })); } catch (e) {}
      say("Saving…");
      schedule(1500);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-slideshow]").forEach(slideshow);
    document.querySelectorAll("form[data-autosave]").forEach(autosave);
  });
})();
