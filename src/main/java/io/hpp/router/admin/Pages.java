package io.hpp.router.admin;

import io.hpp.router.common.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Paging of admin lists: a page size from 1 to {@value #MAX}, and an opaque cursor naming the row a page ended at. */
final class Pages {
    static final int MAX = 500;
    static final int DEFAULT = 100;

    /** Where a row sorts: its time, then its id. */
    record Mark(Instant at, String id) {
    }

    private Pages() {
    }

    static int limit(int limit) {
        if (limit < 1 || limit > MAX) {
            throw ApiException.invalidRequest("Query 'limit' must be an integer from 1 to " + MAX + ", got " + limit);
        }
        return limit;
    }

    static String cursor(Mark m) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((m.at().toEpochMilli() + ":" + m.id()).getBytes(StandardCharsets.UTF_8));
    }

    static Mark mark(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            return new Mark(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), raw.substring(colon + 1));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException | java.time.DateTimeException e) {
            throw ApiException.invalidRequest("Query 'cursor' is not a cursor this API returned");
        }
    }

    /**
     * A page from {@code rows}, which were read with {@code limit + 1}: a row beyond the limit means there is a next page,
     * so the last page never carries a cursor.
     */
    static <T> Admin.Page<T> page(List<T> rows, int limit, Function<T, Mark> mark) {
        if (rows.size() <= limit) {
            return new Admin.Page<>(rows, Optional.empty());
        }
        List<T> page = rows.subList(0, limit);
        return new Admin.Page<>(List.copyOf(page), Optional.of(cursor(mark.apply(page.getLast()))));
    }
}
