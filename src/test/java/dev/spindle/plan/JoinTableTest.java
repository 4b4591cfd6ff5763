package dev.spindle.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JoinTableTest {
    /** A key whose hash collides with every other key of the same bucket: exercises probing. */
    private record Colliding(int id) {
        @Override
        public int hashCode() {
            return id % 3;
        }
    }

    @Test
    void keepsEveryValueOfEveryKeyAcrossGrowthAndChunks() {
        JoinTable<Object, Object> table = new JoinTable<>();
        Map<Object, List<Object>> expected = new HashMap<>();
        for (int i = 0; i < 120_000; i++) { // 100k distinct keys: 262,144 slots, 16 chunks
            Object key = i % 11 == 0 ? new Colliding(i % 200) : "k" + (i % 100_000);
            Object value = i % 13 == 0 ? null : "v" + i;
            table.add(key, value);
            expected.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        for (Map.Entry<Object, List<Object>> entry : expected.entrySet()) {
            assertThat(table.get(entry.getKey())).as("values of %s", entry.getKey())
                    .containsExactlyElementsOf(entry.getValue());
        }
        assertThat(table.get("absent")).isNull();
        assertThat(table.get(new Colliding(999))).isNull();
    }

    @Test
    void aNullKeyAndNullValuesAreKept() {
        JoinTable<String, String> table = new JoinTable<>();
        assertThat(table.isEmpty()).isTrue();
        table.add(null, "a");
        table.add("x", null);
        assertThat(table.isEmpty()).isFalse();
        assertThat(table.get(null)).containsExactly("a");
        assertThat(table.get("x")).containsExactly((String) null);
        table.add(null, null);
        assertThat(table.get(null)).containsExactly("a", null);
    }

    @Test
    void aValueThatIsAListIsOneValueNotMany() {
        JoinTable<String, List<String>> table = new JoinTable<>();
        table.add("k", List.of("a", "b"));
        assertThat(table.get("k")).containsExactly(List.of("a", "b"));
        table.add("k", new ArrayList<>(List.of("c")));
        assertThat(table.get("k")).containsExactly(List.of("a", "b"), List.of("c"));
    }
}
