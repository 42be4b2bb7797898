package io.hpp.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import io.hpp.router.Json;
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
}
