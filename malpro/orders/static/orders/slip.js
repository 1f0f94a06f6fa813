// The packing slip's "Cetak" button: shown only where a script can print (the page says how
// to print from the browser's menu otherwise).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-print-fallback]").forEach(function (note) { note.hidden = true; });
});
