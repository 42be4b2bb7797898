/** Start-up configuration: YAML plus environment, validated once. Imports nothing else of the router. */
package io.hpp.router.config;
