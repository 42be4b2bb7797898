/** Image generation ({@code POST /v1/images/generations}) on the chat pipeline's ledger and log. No Helidon types. */
package io.hpp.router.images;
