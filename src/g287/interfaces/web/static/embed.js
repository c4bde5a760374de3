/* g287 embeds: a county on the map opens its full page on g287 in a new tab (never inside
   the host's frame). On a touch screen the first tap picks the county (named, and zoomed
   by map-zoom.js) and a second tap opens it. Text only ever goes in through textContent. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var svg = document.querySelector("svg.map[data-county-url]");
    if (!svg) { return; }
    var base = svg.getAttribute("data-county-url");
    var tip = document.getElementById("map-tip");
    var names = null;
    var touch = false;
    var picked = null;
    function name(path) {
      var code = path.id.slice(1);
      return names && names[code] ? names[code] : code;
    }
    function loadNames(then) {
      if (names !== null) { then(); return; }
      names = {};
      fetch("/data/counties.json").then(function (r) { return r.json(); })
        .then(function (all) { names = all; then(); })
        .catch(function () { /* names stay as codes */ });
    }
    svg.addEventListener("pointerdown", function (event) { touch = event.pointerType === "touch"; });
    svg.addEventListener("mouseover", function (event) {
      var path = event.target;
      if (!path.id || !/^c\d{5}$/.test(path.id) || !tip) { return; }
      loadNames(function () { tip.textContent = name(path); });
      tip.textContent = name(path);
    });
    svg.addEventListener("click", function (event) {
      var target = event.target;
      if (!target || !target.id || !/^c\d{5}$/.test(target.id)) { return; }
      if (touch && picked !== target) {
        if (picked) { picked.classList.remove("picked"); }
        picked = target;
        target.classList.add("picked");
        if (tip) { loadNames(function () { tip.textContent = name(target); }); }
        svg.dispatchEvent(new CustomEvent("county-picked", { detail: target }));
        return;
      }
      window.open(new URL(base + target.id.slice(1), window.location.href).toString(), "_blank", "noopener");
    });
  });
})();
