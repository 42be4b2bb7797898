/** Model resolution helpers: token estimation now, smart routing later. Must not import {@code io.hpp.router.http}. */
package io.hpp.router.routing;
