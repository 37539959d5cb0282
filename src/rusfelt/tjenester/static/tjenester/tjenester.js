// Progressive enhancement: a print button where JavaScript runs.
document.querySelectorAll(".tj-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
