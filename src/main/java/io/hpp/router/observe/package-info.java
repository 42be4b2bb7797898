/** Observability: the request-log writer (batched, durable settlement). Must not import {@code io.hpp.router.http}. */
package io.hpp.router.observe;
