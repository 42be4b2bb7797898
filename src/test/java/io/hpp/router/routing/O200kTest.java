package io.hpp.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our compact o200k counter against jtokkit's (the oracle): the same count for every text. */
class O200kTest {
    private static final Encoding JTOKKIT = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final O200k OURS = O200k.load();

    /** Fragments random texts are made of: scripts, cases, digits, marks, emoji, every kind of white space. */
    private static final List<String> FRAGMENTS = List.of(
            "the", " quick", " Brown", "FOX", "'s", "'LL", "'re", " don't", "I'm", "x", "Ä", "ß", "é", "e\u0301",
            "Straße", "naïve", "日本語", "中文字符", "한국어", "Привет", " мир", "مرحبا", "שלום", "हिन्दी", "ไทย",
            "0", "7", "42", "1234567", "3.14159", "1,000", "٣", "²", "½",
            " ", "  ", "\t", "\n", "\r\n", "\n\n", " \n ", "\u00a0", "\u3000", "\u2028", "\u000b", "\f",
            "!", "?!", "...", "--", "/", "//", "\\", "{", "}\"", "\":", "[", "],", "<|endoftext|>", "@#$%", "_", "`",
            "😀", "👩‍💻", "🇩🇪", "\uD83D\uDE00\uD83D\uDE00", "\u200d", "\ufe0f",
            "http://example.com/a?b=c", "def f(x):\n    return x", "SELECT * FROM t;", "{\"a\":1}", "CamelCaseWord",
            "ALLCAPS", "mIxEd", "Ǆ", "ǅ", "ǆ", "ʰ", "\uD800", "\uDC00");

    @Test
    void theVocabularyIsOurOwnResourceWithTiktokensPublishedHash() throws Exception {
        byte[] ours;
        try (var in = O200k.class.getResourceAsStream("/tokenizer/o200k_base.tiktoken")) {
            ours = in.readAllBytes();
        }
        assertThat(O200k.sha256(ours)).isEqualTo(O200k.VOCABULARY_SHA256);
        byte[] changed = ours.clone();
        changed[changed.length / 2] ^= 1;
        assertThat(O200k.sha256(changed)).isNotEqualTo(O200k.VOCABULARY_SHA256);
        // the copy inside jtokkit's jar is the same file: our counts and the oracle's rest on one vocabulary
        try (var in = Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/o200k_base.tiktoken")) {
            assertThat(O200k.sha256(in.readAllBytes())).isEqualTo(O200k.VOCABULARY_SHA256);
        }
    }

    @Test
    void countsLikeJtokkitOnChosenTexts() {
        for (String s : List.of("", "hello world", "Hello, World!", "I'm here; they'LL go, we've been.",
                "    indented code\n\tand tabs\r\n\r\n", "1234567890 12 345 6789", "😀😀😀 👩‍💻 🇩🇪🇫🇷",
                "日本語のテキストと English mixed 文章。", "e\u0301e\u0301e\u0301 combining", "a\u00a0b\u3000c",
                "<|endoftext|> is plain text here", "\uD800 lone surrogates \uDC00", "))))]]]]}}}}", "x".repeat(17))) {
            assertThat(OURS.count(s)).as("count of %s", s).isEqualTo(JTOKKIT.countTokensOrdinary(s));
        }
    }

    @Test
    void countsLikeJtokkitOnRandomTexts() {
        Random random = new Random(20261126);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(40);
            for (int j = 0; j < n; j++) {
                sb.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
            }
            String s = sb.toString();
            assertThat(OURS.count(s)).as("count of %s", s).isEqualTo(JTOKKIT.countTokensOrdinary(s));
        }
    }

    /** A piece can be as long as the request: runs of one character, and pieces with no token longer than a byte pair. */
    @Test
    void countsLikeJtokkitOnLongPieces() {
        Random random = new Random(7);
        StringBuilder noise = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            noise.append((char) ('!' + random.nextInt(15))); // punctuation only: one piece
        }
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        for (String s : List.of(" ".repeat(5_000), "a".repeat(3_000), "\n".repeat(2_000), "9".repeat(1_000),
                "é".repeat(1_500), "😀".repeat(800), noise.toString(), letters.toString(), "ab".repeat(2_000))) {
            assertThat(OURS.count(s)).as("count of a %d-character text", s.length()).isEqualTo(JTOKKIT.countTokensOrdinary(s));
        }
    }
}
