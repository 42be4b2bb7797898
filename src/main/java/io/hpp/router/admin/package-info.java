/**
 * Administrative operations shared by the admin HTTP API and the command line. Must not import {@code http}; errors
 * are {@link io.hpp.router.common.ApiException}s.
 */
package io.hpp.router.admin;
