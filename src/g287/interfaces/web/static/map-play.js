/* g287 home page: the timeline's play button steps the date slider from list to list
   (through the slider's own "next list" button, so the map, figures and tables update as
   they do by hand) until the newest list, or until pressed again. */
(function () {
  "use strict";
  var STEP_MS = 1100;
  document.addEventListener("DOMContentLoaded", function () {
    var play = document.getElementById("play-lists");
    var next = document.getElementById("next-list");
    var slider = document.getElementById("when");
    if (!play || !next || !slider) { return; }
    var lists = JSON.parse(slider.getAttribute("data-lists") || "[]");
    var start = Date.parse(slider.getAttribute("data-start") + "T00:00:00Z");
    var timer = null;
    play.hidden = false;
    function day() { return new Date(start + Number(slider.value) * 86400000).toISOString().slice(0, 10); }
    function stop() {
      clearInterval(timer);
      timer = null;
      play.setAttribute("aria-pressed", "false");
      play.textContent = play.getAttribute("data-play");
    }
    function step() {
      if (!lists.length || day() >= lists[lists.length - 1]) { stop(); return; }
      next.click();
    }
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      var restart = lists.length && day() >= lists[lists.length - 1];
      if (restart) { // at the newest list: start again from the first
        slider.value = "0";
        slider.dispatchEvent(new Event("input"));
      }
      play.setAttribute("aria-pressed", "true");
      play.textContent = play.getAttribute("data-pause");
      timer = setInterval(step, STEP_MS);
      if (!restart) { step(); }
    });
    slider.addEventListener("keydown", stop);
  });
})();
