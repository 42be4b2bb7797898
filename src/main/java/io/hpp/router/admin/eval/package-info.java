/**
 * Offline evaluation of smart-routing rulesets on scored prompts (issue 32): replay a dataset through
 * {@code SmartRouter}'s live decision code, price each answer from the catalog, and compare cost and quality against
 * always-strong and always-weak; sweep one boundary into a curve; tune the boundaries to a quality floor. Part of the
 * admin layer: it uses routing, billing and the catalog, and only the CLI and the admin API use it.
 */
package io.hpp.router.admin.eval;
