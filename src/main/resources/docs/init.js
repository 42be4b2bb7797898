// Swagger UI on the router's own OpenAPI documents (the consumer API first, the admin API beside it); "Try it out"
// calls this router with the key (or admin token) given in Authorize.
window.ui = SwaggerUIBundle({
  urls: [
    { url: "/openapi.yaml", name: "Consumer API" },
    { url: "/admin/openapi.yaml", name: "Admin API" }
  ],
  "urls.primaryName": "Consumer API",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
  validatorUrl: null
});
