// Swagger UI on the router's own OpenAPI document; "Try it out" calls this router with the key given in Authorize.
window.ui = SwaggerUIBundle({
  url: "/openapi.yaml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
  validatorUrl: null
});
