(function () {
  "use strict";
  var svg = document.getElementById("route-map");
  if (!svg) { return; }
  var home = svg.getAttribute("data-home").split(" ").map(Number);
  var view = home.slice();
  function show() { svg.setAttribute("viewBox", view.join(" ")); }
  function zoom(factor, cx, cy) {
    var w = view[2] * factor, h = view[3] * factor;
    if (w > home[2] * 1.5 || w < home[2] / 40) { return; }
    view = [cx - (cx - view[0]) * factor, cy - (cy - view[1]) * factor, w, h];
    show();
  }
  function point(evt) {
    var r = svg.getBoundingClientRect();
    return [view[0] + (evt.clientX - r.left) / r.width * view[2], view[1] + (evt.clientY - r.top) / r.height * view[3]];
  }
  svg.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    var p = point(evt);
    zoom(evt.deltaY > 0 ? 1.25 : 0.8, p[0], p[1]);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (evt) { drag = [evt.clientX, evt.clientY, view[0], view[1]]; });
  window.addEventListener("pointerup", function () { drag = null; });
  svg.addEventListener("pointermove", function (evt) {
    if (!drag) { return; }
    var r = svg.getBoundingClientRect();
    view[0] = drag[2] - (evt.clientX - drag[0]) / r.width * view[2];
    view[1] = drag[3] - (evt.clientY - drag[1]) / r.height * view[3];
    show();
  });
  function button(id, fn) { var b = document.getElementById(id); if (b) { b.addEventListener("click", fn); } }
  button("map-zoom-in", function () { zoom(0.8, view[0] + view[2] / 2, view[1] + view[3] / 2); });
  button("map-zoom-out", function () { zoom(1.25, view[0] + view[2] / 2, view[1] + view[3] / 2); });
  button("map-reset", function () { view = home.slice(); show(); });
  document.querySelectorAll("input[data-toggle-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      var layer = svg.querySelector('g[data-layer="' + box.getAttribute("data-toggle-layer") + '"]');
      if (layer) { layer.style.display = box.checked ? "" : "none"; }
    });
  });
  function phase(k) {
    svg.querySelectorAll("[data-phase]").forEach(function (el) {
      el.style.display = el.getAttribute("data-phase") === String(k) ? "" : "none";
    });
  }
  var phases = document.querySelectorAll("input[name=map-phase]");
  phases.forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { phase(radio.value); } });
  });
  if (phases.length > 1) { phase(0); }
})();
