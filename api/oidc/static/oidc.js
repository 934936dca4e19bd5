// chainid provider pages: disable the form's buttons once it is submitted,
// so a double click cannot post the consent twice.
"use strict";
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  setTimeout(function () {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  }, 0);
});
