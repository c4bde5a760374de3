/* g287 map zoom: buttons (+, −, reset), the mouse wheel, a two-finger pinch and a drag
   to pan, all by changing the SVG's viewBox (nothing is redrawn). On a touch screen the
   first tap on a county (the "county-picked" event of site.js / embed.js) zooms to it
   rather than opening it; a second tap opens it. Works on any svg.map[data-zoom]. */
(function () {
  "use strict";
  var MAX = 16;

  function zoomable(svg) {
    var tools = document.getElementById(svg.getAttribute("data-zoom"));
    var base = svg.getAttribute("viewBox").split(/[\s,]+/).map(Number);
    var view = base.slice();
    var pointers = {};
    var pinch = null;
    var drag = null;
    var moved = false;

    function scale() { return base[2] / view[2]; }
    function set(next) {
      var w = Math.min(base[2], Math.max(base[2] / MAX, next[2]));
      var h = w * base[3] / base[2];
      var x = Math.min(base[0] + base[2] - w, Math.max(base[0], next[0]));
      var y = Math.min(base[1] + base[3] - h, Math.max(base[1], next[1]));
      view = [x, y, w, h];
      svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(1); }).join(" "));
      var zoomed = w < base[2] - 0.01;
      svg.classList.toggle("zoomed", zoomed);
      svg.setAttribute("data-scale", scale().toFixed(2));
      if (tools) { tools.querySelector("[data-zoom-reset]").disabled = !zoomed; }
    }
    // the map point under a client point
    function at(clientX, clientY) {
      var r = svg.getBoundingClientRect();
      return [view[0] + (clientX - r.left) / r.width * view[2],
              view[1] + (clientY - r.top) / r.height * view[3]];
    }
    function zoomAround(factor, point) {
      var w = view[2] / factor;
      var h = view[3] / factor;
      var px = (point[0] - view[0]) / view[2];
      var py = (point[1] - view[1]) / view[3];
      set([point[0] - px * w, point[1] - py * h, w, h]);
    }
    function centre() { return [view[0] + view[2] / 2, view[1] + view[3] / 2]; }

    if (tools) {
      tools.hidden = false;
      tools.querySelector("[data-zoom-in]").addEventListener("click", function () { zoomAround(2, centre()); });
      tools.querySelector("[data-zoom-out]").addEventListener("click", function () { zoomAround(0.5, centre()); });
      tools.querySelector("[data-zoom-reset]").addEventListener("click", function () { set(base.slice()); });
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoomAround(event.deltaY < 0 ? 1.25 : 0.8, at(event.clientX, event.clientY));
    }, { passive: false });

    svg.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = [event.clientX, event.clientY];
      var ids = Object.keys(pointers);
      moved = false;
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]), view: view.slice(),
                  mid: at((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) };
        drag = null;
      } else if (ids.length === 1 && scale() > 1) {
        drag = { x: event.clientX, y: event.clientY, view: view.slice() };
      }
    });
    svg.addEventListener("pointermove", function (event) {
      if (!pointers[event.pointerId]) { return; }
      pointers[event.pointerId] = [event.clientX, event.clientY];
      var ids = Object.keys(pointers);
      if (pinch && ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (pinch.d > 0 && d > 0) {
          view = pinch.view.slice();
          zoomAround(d / pinch.d, pinch.mid);
          moved = true;
        }
      } else if (drag) {
        var r = svg.getBoundingClientRect();
        var dx = (event.clientX - drag.x) / r.width * drag.view[2];
        var dy = (event.clientY - drag.y) / r.height * drag.view[3];
        if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > 4) { moved = true; }
        set([drag.view[0] - dx, drag.view[1] - dy, drag.view[2], drag.view[3]]);
      }
    });
    function up(event) {
      delete pointers[event.pointerId];
      if (Object.keys(pointers).length < 2) { pinch = null; }
      if (Object.keys(pointers).length === 0) { drag = null; }
    }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    // a drag or a pinch is not a click on the county under it
    svg.addEventListener("click", function (event) {
      if (moved) { event.stopImmediatePropagation(); event.preventDefault(); moved = false; }
    }, true);
    // the first tap on a phone zooms to the county it picked
    svg.addEventListener("county-picked", function (event) {
      var path = event.detail;
      if (!path || !path.getBBox || scale() >= 4) { return; }
      var box = path.getBBox();
      var w = Math.max(box.width, box.height * base[2] / base[3]) * 6;
      set([box.x + box.width / 2 - w / 2, box.y + box.height / 2 - w * base[3] / base[2] / 2,
           w, w * base[3] / base[2]]);
    });
    set(base.slice());
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg.map[data-zoom]").forEach(zoomable);
  });
})();
