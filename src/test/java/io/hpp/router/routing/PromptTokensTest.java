package io.hpp.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import io.hpp.router.common.Json;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PromptTokensTest {
    private final PromptTokens tokens = new PromptTokens();

    private static JsonNode messages(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void countsMessageTextWithTheRealTokenizerPlusOverhead() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog, twice over and again.";
        int textTokens = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(text);
        long est = tokens.estimate(messages("[{\"role\":\"user\",\"content\":\"" + text + "\"}]"), Long.MAX_VALUE).tokens();
        assertThat(est).isEqualTo(PromptTokens.PER_REQUEST + PromptTokens.PER_MESSAGE + 1 + textTokens);
        assertThat(est).isLessThan(text.length() / 2);
    }

    @Test
    void imagePartsCountByTheProvidersRules() throws Exception {
        String png1x1 = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        long base = tokens.estimate(messages("[{\"role\":\"user\",\"content\":[]}]"), Long.MAX_VALUE).tokens();
        long low = tokens.estimate(messages("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/a.png\",\"detail\":\"low\"}}]}]"), Long.MAX_VALUE).tokens();
        long remote = tokens.estimate(messages("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/b.png\"}}]}]"), Long.MAX_VALUE).tokens();
        long tiny = tokens.estimate(messages("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + png1x1 + "\",\"detail\":\"high\"}}]}]"), Long.MAX_VALUE).tokens();
        assertThat(low - base).isEqualTo(85);
        assertThat(remote - base).isEqualTo(765);   // assumed 1024×1024: 4 tiles
        assertThat(tiny - base).isEqualTo(255);     // 1×1 pixel: one tile
    }

    @Test
    void imageSizesFollowOpenAisScalingRules() {
        assertThat(ImageTokens.tokensForSize(1024, 1024)).isEqualTo(765);
        assertThat(ImageTokens.tokensForSize(2048, 4096)).isEqualTo(1105);  // → 1024×2048 → 768×1536: 2×3 tiles
        assertThat(ImageTokens.tokensForSize(512, 512)).isEqualTo(255);
    }

    @Test
    void readsSizesFromPngAndJpegHeaders() {
        byte[] png = new byte[24];
        png[0] = (byte) 0x89; png[1] = 'P'; png[2] = 'N'; png[3] = 'G';
        png[18] = 0x07; png[19] = (byte) 0xD0;  // width 2000
        png[22] = 0x03; png[23] = (byte) 0xE8;  // height 1000
        assertThat(ImageTokens.dimensions("data:image/png;base64," + Base64.getEncoder().encodeToString(png)).orElseThrow())
                .containsExactly(2000, 1000);
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        jpg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 4, 0, 0});        // SOI, APP0 of 2 bytes
        jpg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC0, 0, 11, 8, 0x01, (byte) 0x90, 0x02, 0x58, 3, 0});  // SOF0 400 high, 600 wide
        assertThat(ImageTokens.dimensions("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpg.toByteArray())).orElseThrow())
                .containsExactly(600, 400);
    }

    @Test
    void stopsCountingOncePastTheLimitAndSaysSo() throws Exception {
        String big = "word ".repeat(5000);
        JsonNode m = messages("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":\"" + big + "\"},"
                + "{\"role\":\"user\",\"content\":\"" + big + "x\"}]");
        PromptTokens.Estimate capped = tokens.estimate(m, 100);
        PromptTokens.Estimate full = tokens.estimate(m, Long.MAX_VALUE);
        assertThat(capped.capped()).isTrue();
        assertThat(full.capped()).isFalse();
        assertThat(capped.tokens()).isGreaterThan(100).isLessThan(full.tokens());
    }

    @Test
    void cachedCountsEqualFreshOnes() throws Exception {
        String history = "[{\"role\":\"system\",\"content\":\"You are helpful and precise in every answer you give.\"},"
                + "{\"role\":\"user\",\"content\":\"Tell me about the history of the printing press in Europe.\"}]";
        long first = tokens.estimate(messages(history), Long.MAX_VALUE).tokens();
        long again = tokens.estimate(messages(history), Long.MAX_VALUE).tokens();
        long fresh = new PromptTokens().estimate(messages(history), Long.MAX_VALUE).tokens();
        assertThat(again).isEqualTo(first).isEqualTo(fresh);
    }
    /** The cache key before issue 24: String.hashCode, the length and the middle character. */
    private static long weakKey(String s) {
        return (long) s.hashCode() << 32 ^ s.length() ^ (long) s.charAt(s.length() / 2) << 20;
    }

    /** {@code base} with its last 7 characters (from A-_) chosen so that its String.hashCode is {@code target}. */
    static String withHashCode(String base, int target) {
        String prefix = base.substring(0, base.length() - 7);
        int powerOf31 = 1;
        int lowest = 0; // the hash of "AAAAAAA"
        for (int i = 0; i < 7; i++) {
            powerOf31 *= 31;
            lowest = lowest * 31 + 'A';
        }
        // hash(prefix + suffix) = hash(prefix) * 31^7 + hash(suffix); 31^7 > 2^32, so 7 base-31 digits reach any value
        long digits = Integer.toUnsignedLong(target - prefix.hashCode() * powerOf31 - lowest);
        char[] suffix = new char[7];
        for (int i = 6; i >= 0; i--) {
            suffix[i] = (char) ('A' + digits % 31);
            digits /= 31;
        }
        return prefix + new String(suffix);
    }

    @Test
    void aTextMadeToCollideWithAnotherConsumersTextUnderAWeakKeyDoesNotChangeItsCount() {
        StringBuilder words = new StringBuilder();
        String[] vocabulary = {"7f3a", "κόσμος", "0.25;", "{x}", "é", "Δ9", "#", "q,"};
        for (int i = 0; words.length() < 12_000; i++) {
            words.append(vocabulary[i % vocabulary.length]).append(i % 3 == 0 ? " " : "");
        }
        String victim = words.toString();  // ~8,800 tokens
        char[] filler = " ".repeat(victim.length()).toCharArray();  // spaces: ~100 tokens
        filler[victim.length() / 2] = victim.charAt(victim.length() / 2);
        String attacker = withHashCode(new String(filler), victim.hashCode());
        assertThat(attacker).isNotEqualTo(victim).hasSameSizeAs(victim);
        assertThat(weakKey(attacker)).as("the two texts collide under the old key").isEqualTo(weakKey(victim));
        long victimTokens = Tokenizer.count(victim);
        long attackerTokens = Tokenizer.count(attacker);
        assertThat(attackerTokens).isLessThan(victimTokens / 10);

        PromptTokens shared = new PromptTokens();
        assertThat(shared.text(attacker)).isEqualTo(attackerTokens);  // the attacker's request comes first
        assertThat(shared.text(victim)).as("the victim's text counts as itself").isEqualTo(victimTokens);
        assertThat(shared.text(attacker)).isEqualTo(attackerTokens);
    }

    @Test
    void theCacheStaysWithinItsEntriesWhateverTheImagesAndTexts() throws Exception {
        // 150,000 unique image URLs in one request (issue 24: the image cache had no cap), then as many unique texts
        StringBuilder parts = new StringBuilder("[{\"role\":\"user\",\"content\":[");
        for (int i = 0; i < 150_000; i++) {
            parts.append(i == 0 ? "" : ",").append("{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://img.example/").append(i)
                    .append(".png\"}}");
        }
        long images = tokens.estimate(messages(parts.append("]}]").toString()), Long.MAX_VALUE).tokens();
        assertThat(images).isEqualTo(PromptTokens.PER_REQUEST + PromptTokens.PER_MESSAGE + 1 + 150_000 * ImageTokens.UNKNOWN_SIZE_HIGH);
        assertThat(tokens.cachedEntries()).isLessThanOrEqualTo(PromptTokens.MAX_CACHED);
        for (int i = 0; i < 150_000; i++) {
            tokens.text("a unique text, number " + i);
        }
        assertThat(tokens.cachedEntries()).isBetween(1, PromptTokens.MAX_CACHED);
    }

    @Test
    void aTextWithALoneSurrogateIsNotTakenForTheSameTextWithAQuestionMark() {
        // UTF-8 cannot carry a lone surrogate: String.getBytes writes '?', so the two texts would share bytes and digest
        String plain = "Is this the same text? " + "x y z ".repeat(40);
        String lone = plain.replace('?', '\ud800');
        PromptTokens shared = new PromptTokens();
        assertThat(shared.text(plain)).isEqualTo(Tokenizer.count(plain));
        assertThat(shared.text(lone)).isEqualTo(Tokenizer.count(lone));
        assertThat(shared.text(plain + "\ud83d\ude00".repeat(5000))).isEqualTo(Tokenizer.count(plain + "\ud83d\ude00".repeat(5000)));
        assertThat(shared.cachedEntries()).isEqualTo(2);
    }

    @Test
    void readsTheSizeOfAJpegWhoseMetadataComesFirstAndOfNoImageNone() {
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        jpg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0x27, 0x12});  // SOI, APP1: 10,002 bytes with its length
        jpg.writeBytes(new byte[10_000]);
        jpg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC2, 0, 11, 8, 0x03, 0x20, 0x04, (byte) 0xB0, 3, 0});  // SOF2 800 high, 1200 wide
        jpg.writeBytes(new byte[50_000]);
        assertThat(ImageTokens.dimensions("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpg.toByteArray())).orElseThrow())
                .containsExactly(1200, 800);
        assertThat(ImageTokens.dimensions("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(new byte[100_000]))).isEmpty();
        assertThat(ImageTokens.dimensions("data:image/png;base64,not base64 at all!")).isEmpty();
    }
}
