/**
 * Administrative operations shared by the admin HTTP API and the command line. Must not import
 * {@code io.hpp.router.http}; errors are {@link io.hpp.router.ApiException}s.
 */
package io.hpp.router.admin;
