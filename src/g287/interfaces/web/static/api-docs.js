// Starts Swagger UI on /api/docs (the vendored bundle in /static/vendor/swagger-ui/).
// A file of its own, not an inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: node.getAttribute("data-spec"),
    domNode: node,
    deepLinking: true,
    validatorUrl: null, // never ask a validator elsewhere: the page works offline
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false,
  });
  var fallback = document.getElementById("api-docs-fallback");
  if (fallback) fallback.hidden = true;
})();
