// The checkout's total follows the choices (delivery per seller, address) without a reload.
// The page says the same on its own when JavaScript is off; the server computes the order.
(function () {
  "use strict";
  var form = document.getElementById("checkout");
  if (!form) return;
  function rupiah(n) { return "Rp" + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function district() {
    var saved = form.querySelector("input[name=address_choice]:checked");
    if (saved && saved.value !== "baru") return saved.getAttribute("data-district") || "";
    var village = form.querySelector("select[name=village_code]");
    return village && village.value ? village.value.split(".").slice(0, 3).join(".") : "";
  }
  function show(el, on) { if (el) el.hidden = !on; }
  function update() {
    var items = 0, shipping = 0, delivery = false, unknown = false, where = district();
    form.querySelectorAll("[data-subtotal]").forEach(function (group) {
      items += parseInt(group.getAttribute("data-subtotal"), 10) || 0;
      var picked = form.querySelector("input[name=delivery_" + group.getAttribute("data-business") + "]:checked");
      var known = group.querySelector("[data-fee-known]"), none = group.querySelector("[data-fee-none]");
      var state = "";
      if (picked && picked.value === "delivery") {
        delivery = true;
        var fees = JSON.parse(group.getAttribute("data-fees") || "{}");
        if (!where) { unknown = true; }
        else if (Object.prototype.hasOwnProperty.call(fees, where)) {
          shipping += fees[where]; state = "known";
          var out = group.querySelector("[data-fee]");
          if (out) out.textContent = rupiah(fees[where]);
        } else { unknown = true; state = "none"; }
      }
      show(known, state === "known"); show(none, state === "none");
    });
    var box = document.getElementById("checkout-total");
    if (!box) return;
    box.querySelector("[data-shipping]").textContent = rupiah(shipping);
    box.querySelector("[data-total]").textContent = rupiah(items + shipping);
    show(box.querySelector("[data-when=shipping]"), delivery && !unknown);
    show(box.querySelector("[data-when=known]"), delivery && !unknown);
    show(box.querySelector("[data-when=unknown]"), unknown);
    show(box.querySelector("[data-when=pickup]"), !delivery);
  }
  form.addEventListener("change", update);
  update();
})();
