/**
 * HTTP: listeners, routes, authentication, the error envelope (the one place errors become responses), CORS, admin
 * routes, and the edge — connection and body deadlines, shares per client address and per consumer, throttling of
 * wrong credentials. The only package that imports Helidon server types. Holds no business rules.
 */
package io.hpp.router.http;
