/* g287 county pages: the "Embed this" snippet names this site's own address when the
   server was not told its public URL, and a button copies it. textContent only. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var code = document.getElementById("embed-code");
    if (!code) { return; }
    if (code.getAttribute("data-absolute") !== "yes") {
      var path = code.getAttribute("data-path");
      code.textContent = code.textContent.replace('src="' + path, 'src="' + window.location.origin + path);
    }
    var copy = document.getElementById("embed-copy");
    if (!copy || !navigator.clipboard) { return; }
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        copy.textContent = copy.getAttribute("data-done");
      }).catch(function () { /* the text can still be selected by hand */ });
    });
  });
})();
