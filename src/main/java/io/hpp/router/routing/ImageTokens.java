package io.hpp.router.routing;

import java.util.Base64;
import java.util.Optional;

/**
 * Tokens an image part costs, by OpenAI's published rules: {@code detail: low} is 85 tokens; {@code high} (and
 * {@code auto}) scales the image to fit 2048×2048, then its short side to 768, and costs 85 + 170 per 512-pixel tile.
 * Sizes are read from the header of data URLs (PNG, GIF, JPEG); the router never fetches http(s) URLs, whose
 * images are assumed 1024×1024 (765 tokens).
 */
public final class ImageTokens {
    static final long LOW = 85;
    static final long UNKNOWN_SIZE_HIGH = tokensForSize(1024, 1024);

    private ImageTokens() {
    }

    public static long estimate(String url, String detail) {
        if ("low".equals(detail)) {
            return LOW;
        }
        return dimensions(url).map(d -> tokensForSize(d[0], d[1])).orElse(UNKNOWN_SIZE_HIGH);
    }

    static long tokensForSize(long width, long height) {
        double w = width;
        double h = height;
        if (Math.max(w, h) > 2048) {
            double s = 2048 / Math.max(w, h);
            w *= s;
            h *= s;
        }
        if (Math.min(w, h) > 768) {
            double s = 768 / Math.min(w, h);
            w *= s;
            h *= s;
        }
        long tiles = (long) (Math.ceil(w / 512) * Math.ceil(h / 512));
        return 85 + 170 * tiles;
    }

    /**
     * {width, height} from the header of a base64 data URL's image, if it can be read cheaply: from its first 1,024
     * characters (768 bytes: a PNG's or GIF's size, a JPEG's when no large metadata comes first), else from up to
     * 87,384 (64 KiB: a JPEG's metadata segments are at most that long).
     */
    static Optional<long[]> dimensions(String url) {
        if (!url.startsWith("data:")) {
            return Optional.empty();
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            return Optional.empty();
        }
        Optional<long[]> quick = size(decode(url, comma + 1, 1_024));
        return quick.isPresent() || url.length() <= comma + 1 + 1_024 ? quick : size(decode(url, comma + 1, 87_384));
    }

    /** Up to {@code chars} characters of base64 from {@code from}, decoded (empty when they are not base64). */
    private static byte[] decode(String url, int from, int chars) {
        String b64 = url.substring(from, Math.min(url.length(), from + chars));
        try {
            return Base64.getMimeDecoder().decode(b64.substring(0, b64.length() - b64.length() % 4));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Optional<long[]> size(byte[] head) {
        if (head.length >= 24 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return Optional.of(new long[] {u32(head, 16), u32(head, 20)});
        }
        if (head.length >= 10 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F') {
            return Optional.of(new long[] {(head[6] & 0xff) | (head[7] & 0xff) << 8, (head[8] & 0xff) | (head[9] & 0xff) << 8});
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8) {
            return jpeg(head);
        }
        return Optional.empty();
    }

    /** Walks JPEG segments to the first start-of-frame marker, which holds the size. */
    private static Optional<long[]> jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                return Optional.empty();
            }
            int marker = b[i + 1] & 0xff;
            int length = (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                long h = (b[i + 5] & 0xff) << 8 | (b[i + 6] & 0xff);
                long w = (b[i + 7] & 0xff) << 8 | (b[i + 8] & 0xff);
                return Optional.of(new long[] {w, h});
            }
            i += 2 + length;
        }
        return Optional.empty();
    }

    private static long u32(byte[] b, int at) {
        return (long) (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
