// Copy a field's text to the clipboard (the calendar feed link); the field stays selectable
// for browsers without clipboard access.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.querySelector(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    field.select();
    const done = function (ok) { if (status) status.textContent = ok ? "Copied." : "Select the address and copy it."; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  });
})();
