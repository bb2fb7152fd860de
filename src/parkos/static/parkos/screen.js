// The big screen: turn the detail panel every `data-rotate` seconds (the panels are stacked, all drawn at full
// size, one shown), and keep the clock. Works again after htmx reloads the figures (the panels are looked up on
// every turn).
(function () {
  var screen = document.getElementById("screen");
  if (!screen) { return; }
  var seconds = parseInt(screen.dataset.rotate, 10) || 10;
  function turn() {
    var panels = screen.querySelectorAll("[data-panel]");
    if (panels.length < 2) { return; }
    var dots = screen.querySelectorAll(".screen-dots span");
    var at = 0;
    panels.forEach(function (p, i) { if (p.classList.contains("active")) { at = i; } });
    var next = (at + 1) % panels.length;
    panels[at].classList.remove("active");
    panels[next].classList.add("active");
    if (dots.length === panels.length) {
      dots[at].classList.remove("active");
      dots[next].classList.add("active");
    }
  }
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var clock = document.getElementById("screen-clock");
    if (!clock) { return; }
    var d = new Date();
    clock.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  window.setInterval(turn, seconds * 1000);
  window.setInterval(tick, 15000);
})();
