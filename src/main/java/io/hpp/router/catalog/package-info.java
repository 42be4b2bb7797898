/** The model catalog: models, their providers and prices. Must not import {@code io.hpp.router.http}. */
package io.hpp.router.catalog;
