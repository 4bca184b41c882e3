// Behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("htmx:responseError", function (event) {
  // A failed request must say so; whatever was typed stays in the form.
  var box = document.getElementById("request-error");
  if (box) { box.hidden = false; }
});

// After a passkey is registered (django-otp-webauthn's event), go where the page says.
document.addEventListener("otp_webauthn.register_complete", function () {
  var placeholder = document.querySelector("[data-after-passkey]");
  if (placeholder) { window.location.assign(placeholder.getAttribute("data-after-passkey")); }
});

// A select marked data-autosubmit submits its form when changed (the form keeps a button for
// browsers without scripts).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.requestSubmit();
  }
});
