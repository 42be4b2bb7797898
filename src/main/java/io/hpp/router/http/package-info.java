/**
 * HTTP: routes, authentication, the error envelope (the one place errors become responses), CORS, admin routes.
 * The only package that imports Helidon server types. Holds no business rules.
 */
package io.hpp.router.http;
