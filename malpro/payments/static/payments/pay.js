// The payment page on the phone that must pay: copy the VA number and the amount, share the
// QR as a picture. Without JavaScript the numbers stay selectable and the QR downloads.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.textContent;
      function done() {
        button.textContent = button.getAttribute("data-done") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }
      field.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          try { document.execCommand("copy"); done(); } catch (e) { /* the field stays selected */ }
        });
      } else {
        try { document.execCommand("copy"); done(); } catch (e) { /* the field stays selected */ }
      }
    });
  });
  var share = document.querySelector("[data-share-qr]");
  var link = document.querySelector("[data-qr-png]");
  if (share && link && navigator.share && navigator.canShare && window.File) {
    var probe = new File([""], "qris.png", { type: "image/png" });
    if (navigator.canShare({ files: [probe] })) {
      share.hidden = false;
      share.addEventListener("click", function () {
        fetch(link.href, { credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.blob(); })
          .then(function (blob) {
            var file = new File([blob], share.getAttribute("data-filename"), { type: "image/png" });
            return navigator.share({ files: [file], title: share.getAttribute("data-title") });
          })
          .catch(function (err) { if (!err || err.name !== "AbortError") link.click(); });
      });
    }
  }
})();
