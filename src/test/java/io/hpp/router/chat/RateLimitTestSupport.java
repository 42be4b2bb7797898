package io.hpp.router.chat;

/** Shared by rate-limit tests in other packages. */
public final class RateLimitTestSupport {
    private RateLimitTestSupport() {
    }

    public static void awayFromAMinuteBoundary() throws InterruptedException {
        RateLimitTest.awayFromAMinuteBoundary();
    }
}
