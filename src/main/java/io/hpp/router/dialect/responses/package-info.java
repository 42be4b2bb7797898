/**
 * The OpenAI Responses dialect the router serves to its clients ({@code POST /v1/responses}, for Codex and the OpenAI
 * SDKs) on models of every provider: {@code ResponsesToChat} translates a Responses request into the OpenAI chat request
 * the pipeline runs, {@code ChatToResponses} a chat answer back into a {@code response} object, and
 * {@code ChatToResponsesStream} a chat stream into the Responses event sequence; {@code ResponsesErrors} gives the
 * router's errors OpenAI's envelope. A namespace tool's functions travel to the provider as
 * {@code <namespace>__<name>} and come back as a {@code function_call} with {@code name} and {@code namespace}
 * ({@code ToolNames}). Pure functions of trees, golden-tested: no I/O, no logging (what is dropped is returned for the
 * caller to log); the stored state behind {@code previous_response_id} is the caller's. Used by {@code http} and
 * {@code app}; imports only {@code wire}, {@code value} and {@code common}.
 */
package io.hpp.router.dialect.responses;
