/**
 * The Anthropic Messages dialect the router serves to its clients ({@code POST /v1/messages}, for Claude Code and the
 * Anthropic SDKs) on models of every provider: {@code MessagesToChat} translates a Messages request into the OpenAI chat
 * request the pipeline runs
 * (its body made of the client's bytes where a message is already chat: {@code MessagesWalk}, {@code MessagesSplice}),
 * {@code ChatToMessages} a chat answer back into a Messages answer, and
 * {@code ChatToMessagesStream} a chat stream into Anthropic's event sequence. Pure functions of trees, golden-tested:
 * no I/O, no logging (what is dropped is returned for the caller to log). Used by {@code http} and {@code app};
 * imports only {@code wire}, {@code value} and {@code common}.
 */
package io.hpp.router.dialect.messages;
