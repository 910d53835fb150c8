package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of a subscription ({@code collection_update} on JSON-RPC, {@code added/changed/removed} on legacy).
 *
 * @param collection the subscribed name, exactly as subscribed (including any {@code :{json}} argument)
 * @param msg {@code added}, {@code changed} or {@code removed}
 * @param id the id of the changed item, or null
 * @param fields the item (added/changed), or null
 */
public record MiddlewareEvent(String collection, String msg, JsonNode id, JsonNode fields) {}
