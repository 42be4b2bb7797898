package io.hpp.router.store;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The period a key's budget renews over, in UTC: spend resets at each period's start. */
public enum BudgetPeriod {
    DAILY,
    /** Weeks start on Monday (ISO 8601). */
    WEEKLY,
    MONTHLY;

    /** The name on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BudgetPeriod> of(String wire) {
        return Arrays.stream(values()).filter(p -> p.wire().equals(wire)).findFirst();
    }

    /** The start of the period {@code at} falls in. */
    public Instant start(Instant at) {
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate first = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start of the period after the one {@code at} falls in: when its spend resets. */
    public Instant next(Instant at) {
        LocalDate first = start(at).atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate next = switch (this) {
            case DAILY -> first.plusDays(1);
            case WEEKLY -> first.plusWeeks(1);
            case MONTHLY -> first.plusMonths(1);
        };
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start (epoch millis) of the period of a key with {@code period} at {@code at}: 0 for a budget without one. */
    public static long startMillis(Optional<BudgetPeriod> period, Instant at) {
        return period.map(p -> p.start(at).toEpochMilli()).orElse(0L);
    }
}
