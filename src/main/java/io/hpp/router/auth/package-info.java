/** API keys: issuing, hashing and verifying them. Must not import {@code io.hpp.router.http}. */
package io.hpp.router.auth;
