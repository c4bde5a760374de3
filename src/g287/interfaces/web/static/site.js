/* g287 — what every page gets: search suggestions, "use my location", print. No data
   is ever written with innerHTML: only textContent and element properties. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var explicitLang = new URLSearchParams(window.location.search).get("lang");

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  /* Search suggestions: a native <datalist>; picking a suggestion opens its page. */
  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var urls = {};
    var lastQuery = "";
    var controller = null;
    var load = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === lastQuery || urls[q]) { return; }
      lastQuery = q;
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q) +
        (explicitLang ? "&lang=" + encodeURIComponent(explicitLang) : "");
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          while (list.firstChild) { list.removeChild(list.firstChild); }
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            urls[item.label] = item.url;
            list.appendChild(option);
          });
        })
        .catch(function () { /* aborted or offline: the form still works */ });
    }, 150);
    input.addEventListener("input", function () {
      var url = urls[input.value];
      if (url) { window.location.href = url; return; }
      load();
    });
    input.form.addEventListener("submit", function (event) {
      var url = urls[input.value];
      if (url) { event.preventDefault(); window.location.href = url; }
    });
  }

  /* "Use my location": fills the latitude and longitude fields and submits. */
  function locate(button) {
    var form = button.form;
    var status = document.getElementById(button.getAttribute("data-status"));
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = button.getAttribute("data-unsupported"); return; }
      status.textContent = button.getAttribute("data-wait");
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(5);
        form.elements.lon.value = pos.coords.longitude.toFixed(5);
        form.submit();
      }, function () {
        status.textContent = button.getAttribute("data-denied");
      }, { timeout: 15000, maximumAge: 600000 });
    });
  }

  /* Map pages: clicking a county opens its page. On a touch screen counties are a few
     pixels wide, so the first tap only picks the county (highlighted and named, with a
     "county-picked" event for the page's tip) and a second tap on it opens it. */
  function clickableMap(svg) {
    var base = svg.getAttribute("data-county-url");
    if (!base) { return; }
    var touch = false;
    var picked = null;
    svg.addEventListener("pointerdown", function (event) { touch = event.pointerType === "touch"; });
    svg.addEventListener("click", function (event) {
      var target = event.target;
      if (target && target.id && /^c\d{5}$/.test(target.id)) {
        if (touch && picked !== target) {
          if (picked) { picked.classList.remove("picked"); }
          picked = target;
          target.classList.add("picked");
          svg.setAttribute("data-picked", target.id.slice(1));
          svg.dispatchEvent(new CustomEvent("county-picked", { detail: target }));
          return;
        }
        var url = new URL(base + target.id.slice(1), window.location.href);
        var keep = new URLSearchParams(window.location.search).get("lang");
        if (keep) { url.searchParams.set("lang", keep); }
        window.location.href = url.toString();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
    document.querySelectorAll("button[data-locate]").forEach(locate);
    document.querySelectorAll("svg.map[data-county-url]").forEach(clickableMap);
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
