/* The API docs (Swagger UI from the vendored npm package): no request leaves this site. */
(function () {
  const body = document.body.dataset;
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.validatorUrl = null; // the default badge would load an image from validator.swagger.io
  if (body.csrfToken) {
    config.requestInterceptor = (req) => {
      req.headers["X-CSRFToken"] = body.csrfToken;
      return req;
    };
  }
  SwaggerUIBundle(config);
})();
