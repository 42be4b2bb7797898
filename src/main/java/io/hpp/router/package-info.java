/**
 * HPP Router: {@code Main} (the command line), {@code App} (wiring by hand), and the few types every package
 * shares: {@code Json} (the one mapper), {@code ApiException} (gateway errors), {@code Ids}.
 */
package io.hpp.router;
