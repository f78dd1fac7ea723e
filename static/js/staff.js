// The work list's "select everyone shown" box (hidden when scripts do not run).
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll(".select-all")) {
    const table = box.closest("table");
    box.hidden = false;
    box.addEventListener("change", () => {
      for (const pick of table.querySelectorAll('tbody input[name="person"]')) {
        pick.checked = box.checked;
      }
    });
  }
});
