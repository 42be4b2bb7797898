/** The model catalog: which models exist, their providers and prices, cached from the store. Must not import {@code http}. */
package io.hpp.router.catalog;
