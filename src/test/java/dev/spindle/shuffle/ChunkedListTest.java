package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkedListTest {
    @Test
    void behavesLikeAnArrayListAcrossManyChunks() {
        ChunkedList<Integer> chunked = new ChunkedList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) { // 16 + growth of the first chunk, then 6 more chunks
            int value = (i * 7919) % 100_003;
            chunked.add(value);
            expected.add(value);
        }
        chunked.add(null);
        expected.add(null);
        assertThat(chunked).hasSize(expected.size()).containsExactlyElementsOf(expected);
        assertThat(chunked.set(40_000, -1)).isEqualTo(expected.get(40_000));
        expected.set(40_000, -1);
        assertThat(chunked.get(40_000)).isEqualTo(-1);
        chunked.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
        expected.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
        assertThat(chunked).containsExactlyElementsOf(expected);
        assertThat(new ChunkedList<>(expected)).isEqualTo(expected);
    }

    @Test
    void indexesOutsideTheListAreRefused() {
        ChunkedList<String> list = new ChunkedList<>();
        list.add("a");
        assertThatThrownBy(() -> list.get(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 1 of a list of 1");
        assertThatThrownBy(() -> list.set(-1, "b")).isInstanceOf(IndexOutOfBoundsException.class);
        list.clear();
        assertThat(list).isEmpty();
        list.add("c");
        assertThat(list).containsExactly("c");
    }
}
