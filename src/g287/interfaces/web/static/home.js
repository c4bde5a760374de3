/* g287 home page: the timeline slider recolours the map and updates the figures and
   tables from /data/map/<day>.json; the layer switch changes the map without a reload.
   Data from ICE only ever reaches the page through textContent. */
(function () {
  "use strict";
  var DAY = 86400000;
  var lang = document.documentElement.lang || "en";
  var dateFormat = new Intl.DateTimeFormat(lang === "es" ? "es" : "en-US", {
    year: "numeric", month: "long", day: "numeric", timeZone: "UTC"
  });
  var numberFormat = new Intl.NumberFormat("en-US");

  function $(id) { return document.getElementById(id); }
  function parseDay(text) { return Date.parse(text + "T00:00:00Z"); }
  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function words(text) { return dateFormat.format(new Date(parseDay(text))); }

  document.addEventListener("DOMContentLoaded", function () {
    var slider = $("when");
    var svg = $("map");
    if (!slider || !svg) { return; }
    var messages = JSON.parse(($("home-messages") || {}).textContent || "{}");
    var stanceLabel = {
      mandates: "Mandates 287(g)", encourages: "Encourages 287(g)",
      partial: "Mixed (bans some agencies, mandates others)", limits: "Limits 287(g)",
      prohibits: "Prohibits 287(g)", none: "No state law on 287(g)"
    };
    function msg(key) { return messages[key] || key; }
    var start = parseDay(slider.getAttribute("data-start"));
    var lists = JSON.parse(slider.getAttribute("data-lists"));
    var figure = svg.closest("figure");
    var cache = {};
    var controller = null;
    var current = null;
    var params = new URLSearchParams(window.location.search);
    var explicitLang = params.get("lang");
    var names = null;

    $("slider").hidden = false;

    function dayAt(value) { return iso(start + Number(value) * DAY); }
    function valueOf(day) { return Math.round((parseDay(day) - start) / DAY); }

    function label(day) {
      var text = words(day);
      $("when-out").textContent = text;
      slider.setAttribute("aria-valuetext", text);
    }

    function setLayer(layer) {
      svg.setAttribute("data-layer", layer);
      figure.classList.remove("layer-counties", "layer-state", "layer-policy");
      figure.classList.add("layer-" + layer);
      $("layer-field").value = layer;
      rememberUrl();
    }

    function rememberUrl() {
      var url = new URL(window.location.href);
      if (current) { url.searchParams.set("date", current); }
      url.searchParams.set("layer", svg.getAttribute("data-layer"));
      window.history.replaceState(null, "", url.toString());
    }

    function cell(row, text, href, header) {
      var td = document.createElement(header ? "th" : "td");
      if (header) { td.scope = "row"; }
      if (href) {
        var a = document.createElement("a");
        a.href = href;
        a.textContent = text;
        td.appendChild(a);
      } else {
        td.textContent = text;
      }
      row.appendChild(td);
    }

    function withLang(path) { return explicitLang ? path + "?lang=" + explicitLang : path; }

    function apply(data, day) {
      current = day;
      // figures
      var f = data.figures;
      $("fig-agreements").textContent = numberFormat.format(f.agreements);
      ["TFM", "JEM", "WSO"].forEach(function (m) {
        $("fig-" + m).textContent = numberFormat.format(f.by_model[m] || 0);
      });
      $("fig-states").textContent = numberFormat.format(f.states);
      $("fig-agencies").textContent = numberFormat.format(f.agencies);
      $("fig-counties").textContent = numberFormat.format(f.counties_whole);
      var dayText = words(day);
      $("asof-day").textContent = dayText;
      $("asof-day").setAttribute("datetime", day);
      var pub = data.publication;
      $("asof-list").textContent = pub.label;
      $("asof-list").href = withLang("/lists") + "#" + pub.id;
      $("asof-published").textContent = words(pub.published_date);
      $("asof-published").setAttribute("datetime", pub.published_date);
      $("asof-raw").href = "/api/publications/" + encodeURIComponent(pub.id) + "/raw";
      $("csv-link").href = "/data/map/" + day + ".csv";
      $("json-link").href = "/data/map/" + day + ".json";
      $("date").value = day;
      var after = $("after-newest");
      if (after) after.hidden = true; // the slider's days are within the lists held
      document.querySelectorAll(".asof-text").forEach(function (el) { el.textContent = dayText; });
      // counties
      svg.querySelectorAll(".counties path[class]").forEach(function (p) { p.removeAttribute("class"); });
      var body = document.createElement("tbody");
      data.counties.forEach(function (c) {
        var path = $("c" + c[0]);
        if (path) { path.setAttribute("class", c[3] ? "w-" + c[3] : "p-" + c[4]); }
        var row = document.createElement("tr");
        cell(row, c[1], withLang("/counties/" + c[0]), true);
        cell(row, c[2]);
        cell(row, c[3] || "–");
        cell(row, c[4] || "–");
        cell(row, String(c[5]));
        body.appendChild(row);
      });
      var table = $("county-table");
      table.replaceChild(body, table.tBodies[0]);
      $("county-count").textContent = numberFormat.format(data.counties.length);
      // states
      svg.querySelectorAll(".states path").forEach(function (p) {
        var code = p.id.slice(1);
        var cls = "st po-" + (data.policy[code] || "none");
        if (data.states[code]) { cls += " sa-" + data.states[code]; }
        p.setAttribute("class", cls);
      });
      document.querySelectorAll("#state-table tbody tr[data-state]").forEach(function (row) {
        var code = row.getAttribute("data-state");
        row.cells[2].textContent = data.states[code] || "–";
        row.cells[3].textContent = msg(stanceLabel[data.policy[code] || "none"]);
      });
      // chart cursor
      var chart = $("chart");
      var cursor = $("chart-cursor");
      if (chart && cursor) {
        var a = parseDay(chart.getAttribute("data-first"));
        var b = parseDay(chart.getAttribute("data-last"));
        var left = Number(chart.getAttribute("data-left"));
        var right = Number(chart.getAttribute("data-right"));
        var t = Math.min(Math.max((parseDay(day) - a) / Math.max(b - a, DAY), 0), 1);
        var x = (left + t * (right - left)).toFixed(1);
        cursor.setAttribute("x1", x);
        cursor.setAttribute("x2", x);
      }
      svg.classList.remove("loading");
      svg.setAttribute("data-day", day);
      rememberUrl();
    }

    function load(day) {
      if (cache[day]) { apply(cache[day], day); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      svg.classList.add("loading");
      fetch("/data/map/" + day + ".json", { signal: controller.signal })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { cache[day] = data; apply(data, day); })
        .catch(function (err) {
          if (err && err.name === "AbortError") { return; }
          svg.classList.remove("loading");
          $("map-tip").textContent = msg("Could not load the data for this date.");
        });
    }

    var loadSoon = (function () {
      var timer = null;
      return function (day) {
        clearTimeout(timer);
        timer = setTimeout(function () { load(day); }, 120);
      };
    })();

    slider.addEventListener("input", function () {
      var day = dayAt(slider.value);
      label(day);
      loadSoon(day);
    });

    function jump(step) {
      var day = dayAt(slider.value);
      var target = null;
      if (step < 0) {
        for (var i = lists.length - 1; i >= 0; i--) { if (lists[i] < day) { target = lists[i]; break; } }
      } else {
        for (var j = 0; j < lists.length; j++) { if (lists[j] > day) { target = lists[j]; break; } }
      }
      if (target) {
        slider.value = String(valueOf(target));
        label(target);
        load(target);
      }
    }
    $("prev-list").addEventListener("click", function () { jump(-1); });
    $("next-list").addEventListener("click", function () { jump(1); });

    $("timeline-form").addEventListener("submit", function (event) {
      var day = $("date").value;
      if (!day) { return; }
      var value = valueOf(day);
      if (value < Number(slider.min) || value > Number(slider.max)) { return; }
      event.preventDefault();
      slider.value = String(value);
      label(day);
      load(day);
    });

    document.querySelectorAll("#layer-form input[name=layer]").forEach(function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) { setLayer(radio.value); } });
    });
    $("layer-form").addEventListener("submit", function (event) { event.preventDefault(); });

    // Hover: name the county and its model (names are fetched once, on first hover).
    var tip = $("map-tip");
    var picked = null; // the county a first tap picked (touch screens)
    function describe(path) {
      var code = path.id.slice(1);
      var name = names && names[code] ? names[code] : code;
      var cls = path.getAttribute("class") || "";
      var text = name + ": ";
      if (cls.indexOf("w-") === 0) { text += cls.slice(2) + " (" + msg("county-wide") + ")"; }
      else if (cls.indexOf("p-") === 0) { text += cls.slice(2) + " (" + msg("in part of the county") + ")"; }
      else { text += msg("no county-level agreement"); }
      if (path === picked) { text += " · " + msg("tap again to open"); }
      tip.textContent = text;
    }
    svg.addEventListener("mouseover", function (event) {
      var path = event.target;
      if (!path.id || path.id.charAt(0) !== "c") { return; }
      if (names === null) {
        names = {};
        fetch("/data/counties.json").then(function (r) { return r.json(); })
          .then(function (all) { names = all; describe(path); })
          .catch(function () { /* names stay as codes */ });
      }
      describe(path);
    });
    svg.addEventListener("mouseleave", function () { tip.textContent = ""; });
    svg.addEventListener("county-picked", function (event) {
      picked = event.detail;
      describe(picked);
    });

    var initial = svg.getAttribute("data-day");
    current = initial || dayAt(slider.value);
  });
})();
