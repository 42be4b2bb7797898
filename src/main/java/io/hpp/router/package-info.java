/**
 * HPP Router: {@code Main} (the command line), {@code App} (wiring by hand), and the few types every package
 * shares: {@code Json} (the one mapper), {@code ApiException} (gateway errors), {@code Ids}, {@code Background}
 * (background work that survives any throwable).
 */
package io.hpp.router;
