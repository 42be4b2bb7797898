package io.hpp.router.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageUsageTest {
    private static HeadTail pass(String body, int chunk, int keep) {
        HeadTail kept = new HeadTail(keep);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            int n = Math.min(chunk, b.length - i);
            byte[] part = new byte[n];
            System.arraycopy(b, i, part, 0, n);
            kept.add(part, n);
        }
        return kept;
    }

    @Test
    void keepsExactlyTheFirstAndLastBytesWhateverTheChunking() {
        String body = "0123456789".repeat(100);
        for (int chunk : new int[] {1, 7, 64, 1000, 5000}) {
            HeadTail kept = pass(body, chunk, 64);
            assertThat(new String(kept.head(), StandardCharsets.UTF_8)).isEqualTo(body.substring(0, 64));
            assertThat(new String(kept.tail(), StandardCharsets.UTF_8)).as("chunk %d", chunk).isEqualTo(body.substring(body.length() - 64));
        }
        assertThat(new String(pass("short", 2, 64).tail(), StandardCharsets.UTF_8)).isEqualTo("short");
    }

    @Test
    void findsUsageAtTheEndOrAtTheStartButNotInsideAString() {
        String data = "\"data\":[{\"b64_json\":\"" + "QUJD".repeat(50_000) + "\"}]";
        String last = "{\"created\":1," + data + ",\"usage\":{\"input_tokens\":7,\"output_tokens\":272}}";
        String first = "{\"usage\": {\"input_tokens\":8,\"output_tokens\":400}," + data + "}";
        String tricky = "{\"revised_prompt\":\"say \\\"usage\\\":{\\\"input_tokens\\\":999}\"," + data + ",\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}";
        String none = "{\"created\":1," + data + "}";
        HeadTail a = pass(last, 8192, 65_536);
        HeadTail b = pass(first, 8192, 65_536);
        HeadTail c = pass(tricky, 8192, 65_536);
        HeadTail d = pass(none, 8192, 65_536);
        assertThat(ImageUsage.find(a.head(), a.tail()).orElseThrow().get("output_tokens").asInt()).isEqualTo(272);
        assertThat(ImageUsage.find(b.head(), b.tail()).orElseThrow().get("output_tokens").asInt()).isEqualTo(400);
        assertThat(ImageUsage.find(c.head(), c.tail()).orElseThrow().get("input_tokens").asInt()).isEqualTo(9);
        assertThat(ImageUsage.find(d.head(), d.tail())).isEmpty();
    }
}
