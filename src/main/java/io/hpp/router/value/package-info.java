/**
 * Value records every layer passes around: {@code Money} (exact nano-dollars), {@code Price}, {@code TokenUsage} and
 * the catalog's {@code Model}. No I/O; imports only {@code common}.
 */
package io.hpp.router.value;
